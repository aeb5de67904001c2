"""`make student`: build the website without the worked solutions, into _build/student/html.

The chapters are copied to _build/student-src with every `{solution}` block and every gated
`{solution-start}` ... `{solution-end}` region removed (sphinx-exercise's own `hide_solutions`
leaves the content of gated solutions on the page), then built as a separate book. The
teacher's copy, with solutions folded, is the normal `make book`.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "_build" / "student-src"
OUT = ROOT / "_build" / "student"

SOLUTION = re.compile(r"^(`{3,})\{solution\}.*?^\1[ \t]*$\n?", re.S | re.M)
GATED = re.compile(r"^(`{3,})\{solution-start\}.*?^`{3,}\{solution-end\}[ \t]*\n`{3,}[ \t]*$\n?", re.S | re.M)


def strip_solutions(text: str) -> str:
    """Remove worked solutions from a MyST chapter, leaving the exercises."""
    return SOLUTION.sub("", GATED.sub("", text))


def main() -> int:
    shutil.rmtree(SRC, ignore_errors=True)
    shutil.copytree(ROOT / "book", SRC / "book")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, SRC / name)
    config = (SRC / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r'^title: "(.*)"', r'title: "\1 (student edition)"', config, count=1, flags=re.M)
    (SRC / "_config.yml").write_text(config, encoding="utf-8")
    removed = 0
    for path in SRC.joinpath("book").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        stripped = strip_solutions(text)
        removed += text.count("{solution") - stripped.count("{solution")
        path.write_text(stripped, encoding="utf-8")
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    result = subprocess.run([jb, "build", str(SRC), "--path-output", str(OUT), "-W", "-n", "--keep-going"])
    if result.returncode:
        return result.returncode
    html = OUT / "_build" / "html"
    leaks = [p.name for p in html.rglob("*.html") if 'class="solution' in p.read_text(encoding="utf-8")]
    if leaks:
        print(f"student edition still shows solutions on: {leaks}", file=sys.stderr)
        return 1
    print(f"Student edition: {removed} solution markers removed; open {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
