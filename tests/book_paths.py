"""Where things are, and small readers shared by the tests and by `make bench`."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
DATA = ROOT / "data"
BUILD = ROOT / "_build"
HTML = BUILD / "html"
LATEX = BUILD / "latex"
BIB = BOOK / "references.bib"


def toc_files() -> list[Path]:
    """Every document named in _toc.yml, as a path to its source file (in reading order)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    paths = []
    for name in names:
        candidates = [ROOT / f"{name}{ext}" for ext in (".md", ".ipynb")] + [ROOT / name]
        paths.append(next((c for c in candidates if c.is_file()), ROOT / f"{name}.md"))
    return paths


def is_notebook(path: Path) -> bool:
    """A MyST notebook has a front matter with a kernelspec."""
    head = path.read_text(encoding="utf-8")[:3000]
    return path.suffix == ".ipynb" or (head.startswith("---") and "kernelspec:" in head)


def notebooks() -> list[Path]:
    """The executable chapters in the table of contents."""
    return [p for p in toc_files() if p.is_file() and is_notebook(p)]


def bib_keys() -> set[str]:
    """Keys defined in book/references.bib."""
    return set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", BIB.read_text(encoding="utf-8")))


def execute_notebook(path: Path, timeout: int = 60):
    """Execute a MyST notebook with jupytext + nbclient, in its own folder; return (notebook, seconds).

    jupytext is told the format explicitly: sniffing needs the full
    text_representation header, and a misread file would have no code cells.
    The kernel is stopped at once when the last cell has run, as in the build's execution step.
    """
    import jupytext
    import nbclient

    nb = jupytext.read(path, fmt="md:myst" if path.suffix == ".md" else None)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        raise AssertionError(f"{path}: no code cells found (is the jupytext header complete?)")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", shutdown_kernel="immediate",
                                     resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start
