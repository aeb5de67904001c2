"""`make book` skips Sphinx only when nothing the site is built from, and nothing it wrote, has changed.

book/_ext/site_state.py decides from file metadata; these tests change one thing at a time in a small
tree shaped like the repository and check that each change is seen (and that what the build never
reads, such as .git, is not).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from book_paths import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import site_state  # noqa: E402


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, text in {"_config.yml": "title: t\n", "_toc.yml": "root: book/intro\n", "book/intro.md": "# Intro\n",
                       "book/_ext/ext.py": "", "data/trade.csv": "year,value\n1990,1\n", "evidence/style.py": "",
                       "README.md": "readme\n", ".git/HEAD": "ref\n", ".cache/x": "", "tests/browser/node_modules/m.js": "",
                       "_build/html/book/intro.html": "<p>Intro</p>", "_build/html/_images/a.png": "png",
                       "_build/.doctrees/environment.pickle": "env",
                       "_build/.jupyter_cache/evidence-runs.json": "{}", "_build/latex/book.tex": "tex"}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    site_state.record(tmp_path)
    assert site_state.unchanged(tmp_path)
    return tmp_path


def _later(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))


@pytest.mark.parametrize("name", ["_config.yml", "_toc.yml", "book/intro.md", "book/_ext/ext.py", "data/trade.csv",
                                  "evidence/style.py", "README.md", "_build/html/book/intro.html",
                                  "_build/html/_images/a.png", "_build/.doctrees/environment.pickle",
                                  "_build/.jupyter_cache/evidence-runs.json"])
def test_a_touched_input_or_output_means_a_build(tree, name):
    _later(tree / name)
    assert not site_state.unchanged(tree)


@pytest.mark.parametrize("change", ["add a source", "remove an output", "add the PDF", "edit in place, same size"])
def test_files_added_removed_or_edited_mean_a_build(tree, change):
    if change == "add a source":
        (tree / "book" / "new-chapter.md").write_text("# New\n", encoding="utf-8")
    elif change == "remove an output":
        (tree / "_build/html/book/intro.html").unlink()
    elif change == "add the PDF":   # the site offers the PDF for download once it exists
        (tree / "_build/latex/book.pdf").write_bytes(b"%PDF")
    else:
        path = tree / "data/trade.csv"
        _later(path)
        path.write_text("year,value\n1990,2\n", encoding="utf-8")
    assert not site_state.unchanged(tree)


def test_the_edition_and_the_build_date_mean_a_build(tree, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert not site_state.unchanged(tree)


def test_what_the_build_never_reads_does_not_mean_a_build(tree):
    for name in (".git/HEAD", ".cache/x", "tests/browser/node_modules/m.js", "_build/latex/book.tex"):
        _later(tree / name)
    (tree / ".git" / "index").write_text("index", encoding="utf-8")
    assert site_state.unchanged(tree)


def test_without_a_record_there_is_a_build(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    assert not site_state.unchanged(tmp_path)
