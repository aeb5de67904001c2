"""Every era chapter in the table of contents meets the book's standard (book/teaching/chapter-template.md).

These read the chapter sources, so they run in seconds and name the chapter and the missing piece.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from book_paths import BOOK, toc_files

CHAPTERS = [p for p in toc_files() if p.parent == BOOK / "eras"]
IDS = [p.stem for p in CHAPTERS]
SECTIONS = ["Learning objectives", "Context", "Primary source", "Perspectives", "Myth and evidence", "Exercises",
            "Self-check", "Key terms", "Summary", "Further reading", "How to cite this chapter"]
PROVENANCE_FIELDS = ["Issuer", "Date", "Archive", "Translator", "Address", "Rights"]


def fenced_blocks(text: str, name: str) -> list[str]:
    """The bodies of the ``{name}`` directive blocks of a MyST text (backtick or colon fences)."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = re.match(r"^(`{3,}|:{3,})\{" + re.escape(name) + r"\}", lines[i])
        if opening:
            fence = opening.group(1)
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), len(lines))
            blocks.append("\n".join(lines[i:end + 1]))
            i = end
        i += 1
    return blocks


def headings(text: str) -> list[str]:
    return re.findall(r"^#{2,3} (.+)$", text, flags=re.M)


def section(text: str, title: str) -> str:
    """The text of the level-2 section whose heading starts with ``title``."""
    match = re.search(r"^## " + re.escape(title) + r".*?$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    return match.group(1) if match else ""


def test_there_are_era_chapters():
    assert CHAPTERS, "no chapter of book/eras/ in _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_sections_are_all_there_in_order(path):
    text = path.read_text(encoding="utf-8")
    found = headings(text)
    positions = []
    for title in SECTIONS:
        where = [i for i, h in enumerate(found) if h.startswith(title)]
        assert where, f"{path.name}: no '{title}' section"
        positions.append(where[0])
    assert positions == sorted(positions), f"{path.name}: sections out of order: {[found[p] for p in positions]}"
    assert re.search(r":::\{admonition\} Central question", text), f"{path.name}: no central question box"
    assert re.search(r"\*\*Class time\*\*:.*\*\*Level\*\*:.*\*\*Prerequisites\*\*:", text, flags=re.S), \
        f"{path.name}: class time, level and prerequisites are not all stated"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_at_least_two_figures_with_caption_alt_text_and_source_line(path):
    nb = jupytext.read(path, fmt="md:myst")
    complete = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "figure" not in cell.metadata.get("mystnb", {}):
            continue
        meta = cell.metadata["mystnb"]
        name, caption = meta["figure"].get("name"), meta["figure"].get("caption", "")
        alt = meta.get("image", {}).get("alt", "")
        assert name and len(caption) >= 30, f"{path.name}: figure {name!r} lacks a name or a real caption"
        assert len(alt) >= 60, f"{path.name}: figure {name} has no alt text that states a finding ({alt!r})"
        assert "source_line(" in cell.source, f"{path.name}: figure {name} has no source line"
        complete.append(name)
    assert len(complete) >= 2, f"{path.name}: {len(complete)} complete figures, at least 2 needed"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_figures_are_referred_to_by_number(path):
    text = path.read_text(encoding="utf-8")
    names = re.findall(r"^\s+name: (fig-[\w-]+)$", text, flags=re.M)
    solutions = "\n".join(re.findall(r"\{solution-start\}.*?\{solution-end\}", text, flags=re.S))
    for name in names:
        in_a_solution = re.search(rf"name: {name}\b", solutions) is not None  # a worked solution's own figure
        assert in_a_solution or f"{{numref}}`{name}`" in text or re.search(rf"\{{numref\}}`[^`]*<{name}>`", text), \
            f"{path.name}: figure {name} is never referred to by number ({{numref}})"
    assert not re.search(r"\bthe (chart|map|figure) (below|above)\b", text, flags=re.I), \
        f"{path.name}: refers to a figure by position ('the chart below') instead of by number"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_imports_are_visible_at_the_top(path):
    nb = jupytext.read(path, fmt="md:myst")
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "import" in first.source and "from evidence import" in first.source, f"{path.name}: first code cell is not the imports"
    tags = first.metadata.get("tags", [])
    assert not {"remove-cell", "remove-input"} & set(tags), f"{path.name}: the imports cell is removed from the page"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_a_primary_source_with_its_provenance(path):
    text = path.read_text(encoding="utf-8")
    boxes = [b for b in fenced_blocks(text, "admonition") if re.search(r":class:.*\bprovenance\b", b)]
    assert boxes, f"{path.name}: no provenance box (an admonition of class 'provenance')"
    for box in boxes:
        missing = [f for f in PROVENANCE_FIELDS if f"**{f}**" not in box]
        assert not missing, f"{path.name}: provenance box lacks {missing}"
    primary = section(text, "Primary source")
    for step in ("Sourcing", "Context", "Corroboration", "Close reading"):
        assert step.lower() in primary.lower(), f"{path.name}: the primary source has no {step} step"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_three_exercises_each_with_a_worked_solution(path):
    text = path.read_text(encoding="utf-8")
    labels = re.findall(r"^`{3,}\{exercise\}\s*\n:label: ([\w-]+)", text, flags=re.M)
    assert len(labels) >= 3, f"{path.name}: {len(labels)} exercises"
    for label in labels:
        assert re.search(rf"\{{solution(-start)?\}} {label}\b", text), f"{path.name}: exercise {label} has no solution"
    exercises = section(text, "Exercises")
    assert "load(" in exercises and "plt." in exercises, f"{path.name}: no coding exercise with pandas and matplotlib"
    assert re.search(r"claim", exercises, flags=re.I) and re.search(r"source", exercises, flags=re.I), \
        f"{path.name}: needs a claim–evidence–reasoning exercise and a source question"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_teacher_notes_with_lesson_plans_rubric_and_vocabulary(path):
    text = path.read_text(encoding="utf-8")
    notes = fenced_blocks(text, "teacher")
    titles = " | ".join(re.match(r"^[`:]+\{teacher\}(.*)$", n.splitlines()[0]).group(1) for n in notes)
    for needed in ("Lesson plan", "Vocabulary", "Adapted document", "Model answers", "Rubric", "Misconceptions",
                   "Sensitive content"):
        assert needed.lower() in titles.lower(), f"{path.name}: no teacher note titled '{needed}' (found: {titles})"
    plan = next(n for n in notes if "lesson plan" in n.splitlines()[0].lower())
    lessons = re.split(r"^\*\*(.*50 minutes.*)\*\*\s*$", plan, flags=re.M)[1:]
    assert len(lessons) >= 6, f"{path.name}: the lesson plans need one lesson and the two-lesson variant (3 timed parts)"
    for header, body in zip(lessons[::2], lessons[1::2]):
        minutes = sum(int(m) for m in re.findall(r"\((\d+) min\)", body))
        assert 45 <= minutes <= 50, f"{path.name}: '{header}' has {minutes} minutes of timed steps, not 45–50"
    for word in ("Read in class", "Homework", "Optional"):
        assert word.lower() in plan.lower(), f"{path.name}: the lesson plan does not say what is '{word}'"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_self_check_questions_with_folded_answers(path):
    checks = section(path.read_text(encoding="utf-8"), "Self-check")
    folded = re.findall(r"^:::\{admonition\}.*\n:class: dropdown", checks, flags=re.M)
    assert len(folded) >= 3, f"{path.name}: {len(folded)} self-check questions with folded answers, at least 3"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_key_terms_are_in_the_glossary(path):
    glossary = (BOOK / "reference" / "glossary.md").read_text(encoding="utf-8")
    defined = {line.strip().lower() for block in fenced_blocks(glossary, "glossary")
               for line in block.splitlines()[1:-1] if line and not line.startswith((" ", "\t", ":"))}
    terms = re.findall(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`", section(path.read_text(encoding="utf-8"), "Key terms"))
    assert len(terms) >= 5, f"{path.name}: {len(terms)} key terms"
    missing = [target or text for text, target in terms if (target or text).strip().lower() not in defined]
    assert not missing, f"{path.name}: key terms not in the glossary: {missing}"
