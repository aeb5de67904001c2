"""`make bench`: measure the book against its budgets on this machine and print the figures.

Budgets (DEVELOPERS.md): clean HTML build <= 60 s, no-change rebuild <= 5 s, each chapter
executes in <= 5 s, PDF <= 120 s, each page's own weight (HTML + images) <= 1 MB, zero build
warnings, zero accessibility violations, zero broken internal links, zero third-party requests.
Writes the figures to _build/bench.json as well.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from book_paths import BUILD, HTML, execute_notebook, notebooks  # noqa: E402
from site_checks import (broken_links, browser_available, browser_report, page_weights, pages,  # noqa: E402
                         third_party_resources)

JB = str(Path(sys.executable).with_name("jupyter-book"))
ROWS: list[tuple[str, str, str, bool | None]] = []


def record(name: str, value: str, budget: str, ok: bool | None) -> None:
    ROWS.append((name, value, budget, ok))
    mark = {True: "ok", False: "OVER", None: "--"}[ok]
    print(f"{name:<62} {value:>14}   budget {budget:<10} {mark}", flush=True)


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, result


def warnings_in(result: subprocess.CompletedProcess) -> int:
    return sum("WARNING" in line for line in (result.stdout + result.stderr).splitlines())


def main() -> int:
    print(f"make bench on {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}\n")
    shutil.rmtree(BUILD, ignore_errors=True)
    seconds, result = timed([JB, "build", ".", "-W", "-n", "--keep-going"])
    record("clean HTML build (executes every chapter)", f"{seconds:.1f} s", "60 s", seconds <= 60 and result.returncode == 0)
    record("build warnings", str(warnings_in(result)), "0", warnings_in(result) == 0 and result.returncode == 0)
    seconds, result = timed([JB, "build", ".", "-W", "-n", "--keep-going"])
    record("no-change rebuild", f"{seconds:.1f} s", "5 s", seconds <= 5 and result.returncode == 0)

    for path in notebooks():
        _, seconds = execute_notebook(path)
        record(f"execute {path.relative_to(ROOT)}", f"{seconds:.2f} s", "5 s", seconds <= 5)

    seconds, result = timed([JB, "build", ".", "--builder", "pdflatex", "-W", "-n", "--keep-going"])
    pdf = BUILD / "latex" / "book.pdf"
    record("PDF build (xelatex, chapters cached)", f"{seconds:.1f} s", "120 s", seconds <= 120 and pdf.is_file())

    site = pages()
    weights = page_weights(site)
    heaviest = max(weights, key=weights.get)
    for page, weight in sorted(weights.items()):
        record(f"page weight {page}", f"{weight / 1024:.0f} KiB", "1024 KiB", weight <= 1024 * 1024)
    record("broken internal links", str(len(broken_links(site))), "0", not broken_links(site))
    record("third-party URLs in what pages load", str(len(third_party_resources(site))), "0", not third_party_resources(site))
    if browser_available():
        report = browser_report(site)
        record("axe-core violations (all pages)", str(report["violations"]), "0", report["violations"] == 0)
        record("requests to other servers (all pages)", str(len(report["external"])), "0", not report["external"])
    else:
        record("axe-core violations", "not run", "0", None)
    over = [row for row in ROWS if row[3] is False]
    (BUILD / "bench.json").write_text(json.dumps({"rows": ROWS, "heaviest_page": heaviest}, indent=1), encoding="utf-8")
    print(f"\n{len(ROWS) - len(over)} within budget, {len(over)} over budget; figures in _build/bench.json")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
