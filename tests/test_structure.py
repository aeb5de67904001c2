"""The book's shape: the table of contents and the files agree; notebooks are real notebooks."""

from __future__ import annotations

import re

import jupytext

from book_paths import BOOK, ROOT, notebooks, toc_files
from evidence import load

CONTENT = {".md", ".ipynb", ".rst"}


def test_every_toc_entry_exists():
    missing = [str(p.relative_to(ROOT)) for p in toc_files() if not p.is_file()]
    assert not missing, missing


def test_every_book_file_is_in_the_toc():
    in_toc = {p.resolve() for p in toc_files()}
    stray = [str(p.relative_to(ROOT)) for p in BOOK.rglob("*")
             if p.suffix in CONTENT and p.resolve() not in in_toc and not any(part.startswith(("_", ".")) for part in p.relative_to(BOOK).parts)]
    assert not stray, f"not in _toc.yml: {stray}"


def test_no_stray_content_in_hidden_or_underscore_folders():
    hidden = [str(p.relative_to(ROOT)) for p in BOOK.rglob("*") if p.suffix in CONTENT
              and any(part.startswith(("_", ".")) for part in p.relative_to(BOOK).parts)]
    assert not hidden, hidden


def test_chapters_have_the_full_jupytext_header():
    for path in notebooks():
        head = path.read_text(encoding="utf-8").split("---")[1]
        for key in ("text_representation:", "extension: .md", "format_name: myst", "kernelspec:", "name: python3"):
            assert key in head, f"{path.name}: header lacks {key}"
        nb = jupytext.read(path)  # format sniffed from the header, as JupyterLab would
        assert any(c.cell_type == "code" for c in nb.cells), f"{path.name}: jupytext finds no code cells"


def test_era_chapters_follow_the_template():
    sections = ["Learning objectives", "Context", "Primary source", "Perspectives", "Myth and evidence",
                "Exercises", "Key terms", "Summary", "Further reading", "How to cite this chapter"]
    for path in sorted((BOOK / "eras").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        headings = re.findall(r"^#{2,3} (.+)$", text, flags=re.M)
        positions = []
        for section in sections:
            found = [i for i, h in enumerate(headings) if h.startswith(section)]
            assert found, f"{path.name}: no '{section}' section"
            positions.append(found[0])
        assert positions == sorted(positions), f"{path.name}: sections out of order"
        assert "central question" in text.lower()
        assert "{solution-start}" in text or "{solution}" in text


def test_intro_era_table_matches_the_data():
    text = (BOOK / "intro.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| (\d{4}–\d{4}) \| (.+?) \|$", text, flags=re.M)
    eras = load("eras")
    assert len(rows) == len(eras)
    for (number, years, question), era in zip(rows, eras.itertuples()):
        assert int(number) == era.number
        assert years == f"{era.start.year}–{era.end.year}"
        assert era.central_question in question


def test_student_edition_strips_every_solution_and_keeps_every_exercise():
    import importlib.util

    spec = importlib.util.spec_from_file_location("student_edition", ROOT / ".ci" / "student_edition.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in sorted((BOOK / "eras").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        stripped = module.strip_solutions(text)
        assert "{solution" not in stripped, path.name
        assert stripped.count("{exercise}") == text.count("{exercise}") >= 3
        assert "Worked solution" not in stripped and "model answer" not in stripped.lower()
