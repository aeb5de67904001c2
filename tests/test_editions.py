"""The three editions from one source: the reader's site, the teacher's site and PDF, the students' notebooks.

The leak checks do not reuse the code that makes the notebooks: they find the teacher notes and the
worked solutions in the chapter sources with their own scanner (``fenced_blocks``) and look for every
substantial line of them in the student notebooks, so a bug in the editions code cannot hide a leak.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest

from book_paths import BUILD, HTML, ROOT, toc_files
from test_chapters import fenced_blocks

TEACHER = BUILD / "teacher"
STUDENT = BUILD / "student"
CHAPTERS = [p for p in toc_files() if p.is_file() and "kernelspec:" in p.read_text(encoding="utf-8")[:2000]
            and "reference" not in p.parts]
IDS = [p.stem for p in CHAPTERS]


def hidden_material(path: Path) -> dict[str, list[str]]:
    """Lines of a chapter's teacher notes and worked solutions (text and code) long enough to be telling."""
    text = path.read_text(encoding="utf-8")
    found = {"teacher": [], "solution": []}
    for name, kind in (("teacher", "teacher"), ("solution", "solution")):
        for block in fenced_blocks(text, name):
            found[kind] += block.splitlines()[1:-1]
    # gated solutions: everything between solution-start and solution-end, code cells included
    for gated in re.findall(r"^`{3,}\{solution-start\}.*?^`{3,}\{solution-end\}", text, flags=re.M | re.S):
        found["solution"] += gated.splitlines()[1:-1]
    for kind, lines in found.items():
        found[kind] = [line.strip() for line in lines
                       if len(line.strip()) >= 30 and not line.strip().startswith((":", "```", "---", "mystnb", "tags"))]
    return found


def leaks(notebook: nbformat.NotebookNode, material: dict[str, list[str]]) -> list[str]:
    """The hidden lines that appear in a notebook."""
    cells = "\n".join(cell.source for cell in notebook.cells)
    return [f"{kind}: {line}" for kind, lines in material.items() for line in lines if line in cells]


def teacher_boxes(page: str) -> int:
    """How many teacher notes a page shows: elements whose classes include both "teacher" and "admonition".

    Docutils writes a node's own classes before the writer's, so the attribute reads "teacher admonition";
    matching the two words in any order keeps the count independent of that detail.
    """
    return sum(1 for classes in re.findall(r'class="([^"]*)"', page) if {"teacher", "admonition"} <= set(classes.split()))


def student_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(STUDENT / "notebooks" / f"{path.stem}.ipynb", as_version=4)


def test_every_chapter_has_hidden_material_to_check():
    eras = [p for p in CHAPTERS if p.parent.name == "eras"]
    assert eras
    for path in eras:
        material = hidden_material(path)
        assert len(material["teacher"]) >= 10 and len(material["solution"]) >= 5, path.name


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_student_notebook_is_valid_and_holds_no_solution_or_teacher_note(student_build, path):
    assert student_build.returncode == 0, student_build.stdout[-3000:] + student_build.stderr[-3000:]
    nb = student_notebook(path)
    nbformat.validate(nb)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), "outputs are not cleared"
    found = leaks(nb, hidden_material(path))
    assert not found, f"{path.name}: {len(found)} hidden lines in the student notebook, e.g. {found[:3]}"
    source = path.read_text(encoding="utf-8")
    assert sum(c.source.count("{exercise}") for c in nb.cells) == source.count("{exercise}"), "an exercise is missing"
    assert not any(re.search(r"\{(solution|teacher)", c.source) for c in nb.cells)


def test_the_leak_check_finds_a_planted_leak(student_build):
    path = next(p for p in CHAPTERS if p.parent.name == "eras")
    nb = student_notebook(path)
    material = hidden_material(path)
    assert not leaks(nb, material)
    nb.cells.append(nbformat.v4.new_markdown_cell("Answer: " + material["solution"][0]))
    nb.cells.append(nbformat.v4.new_code_cell(material["teacher"][-1]))
    assert len(leaks(nb, material)) == 2


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_student_notebook_runs_from_top_to_bottom(student_build, path):
    import nbclient

    nb = student_notebook(path)
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(STUDENT / "notebooks")}}).execute()
    failed = [c for c in nb.cells if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
              and any(o.output_type == "error" for o in c.get("outputs", []))]
    assert not failed, f"{path.name}: cells fail: " + "; ".join(
        f"{c.source[:60]!r} -> {next(o for o in c.outputs if o.output_type == 'error').ename}" for c in failed)


def test_student_zip_has_the_notebooks_the_data_and_the_helpers(student_build):
    with zipfile.ZipFile(STUDENT / "student-notebooks.zip") as archive:
        names = set(archive.namelist())
    assert {f"{p.stem}.ipynb" for p in CHAPTERS} <= names
    assert {"data/datapackage.json", "data/events.csv", "evidence/__init__.py", "evidence/house.mplstyle"} <= names
    assert not any("__pycache__" in n or n.startswith("data/scripts") for n in names)


@pytest.mark.slow
def test_teacher_edition_shows_every_teacher_note_and_the_guide(teacher_build):
    assert teacher_build.returncode == 0, teacher_build.stdout[-3000:] + teacher_build.stderr[-3000:]
    for path in CHAPTERS:
        page = (TEACHER / "html" / path.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
        expected = len(fenced_blocks(path.read_text(encoding="utf-8"), "teacher"))
        assert teacher_boxes(page) == expected, f"{path.name}: teacher notes missing"
    for guide in ("teachers-guide", "running-notebooks"):
        assert (TEACHER / "html" / "book" / "teaching" / f"{guide}.html").is_file()
    assert (TEACHER / "book-teacher.pdf").stat().st_size > 100_000


@pytest.mark.slow
def test_teacher_edition_opens_the_solutions(teacher_build):
    page = (TEACHER / "html" / "book" / "eras" / "02-korean-war-1950-1953.html").read_text(encoding="utf-8")
    assert page.count('class="solution') >= 3 and 'class="solution dropdown' not in page


@pytest.mark.slow
def test_reader_edition_has_no_teacher_note_and_no_guide(html_build):
    for page in HTML.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert teacher_boxes(text) == 0, page
    for guide in ("teachers-guide", "running-notebooks"):
        assert not (HTML / "book" / "teaching" / f"{guide}.html").exists()
    teacher_lines = [line for p in CHAPTERS for line in hidden_material(p)["teacher"]]
    searchable = (HTML / "searchindex.js").read_text(encoding="utf-8")
    assert not [line for line in teacher_lines[:50] if json.dumps(line)[1:-1][:40] in searchable]


@pytest.mark.slow
def test_each_chapter_page_offers_its_notebooks(html_build):
    for path in CHAPTERS:
        page = (HTML / path.relative_to(ROOT).with_suffix(".html")).read_text(encoding="utf-8")
        for target in (f"notebooks/{path.stem}.ipynb", f"notebooks/student/{path.stem}.ipynb"):
            assert target in page, f"{path.name}: no link to {target}"
            nb = nbformat.read(HTML / target, as_version=4)
            nbformat.validate(nb)
        full = nbformat.read(HTML / "notebooks" / f"{path.stem}.ipynb", as_version=4)
        assert not leaks(full, {"teacher": hidden_material(path)["teacher"]}), "the reader's notebook has teacher notes"
