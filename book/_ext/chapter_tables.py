"""Tables about the chapters, read from the chapters and the data, so that they cannot drift from them.

* ``{era-table}``: every era of ``data/eras.csv`` with its years and central question, the question
  linked to the era's chapter once one exists (``book/eras/NN-*.md``); used by the introduction.
* ``{chapter-skills}``: each chapter's question, skills and class time, read from its own text;
  used by the teacher's guide.

Sphinx re-reads a page that uses them when ``eras.csv`` or a chapter changes (``note_dependency``),
and when the table of contents changes (sphinx-external-toc).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from editions import chapter_sources


def _list_table(directive: SphinxDirective, header: list[str], widths: str, rows: list[list[str]]) -> list[nodes.Node]:
    """Parse a MyST list-table built from ``rows`` (cells are MyST text) and return its nodes."""
    lines = ["```{list-table}", ":header-rows: 1", f":widths: {widths}", "", "* - " + header[0]]
    lines += [f"  - {cell}" for cell in header[1:]]
    for row in rows:
        lines += ["* - " + row[0]] + [f"  - {cell}" for cell in row[1:]]
    lines.append("```")
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=directive.env.docname), directive.content_offset, container)
    return container.children


class EraTableDirective(SphinxDirective):
    """``{era-table}``: the eras of data/eras.csv, each question linked to its chapter when it exists."""

    def run(self):
        root = Path(self.env.srcdir)
        path = root / "data" / "eras.csv"
        self.env.note_dependency(str(path))
        chapters = {int(p.name[:2]): p for p in (root / "book" / "eras").glob("[0-9][0-9]-*.md")}
        rows = []
        with open(path, encoding="utf-8", newline="") as handle:
            for era in csv.DictReader(handle):
                number = int(era["number"])
                question = era["central_question"]
                if number in chapters:
                    docname = chapters[number].relative_to(root).with_suffix("").as_posix()
                    question = f"{{doc}}`{question} </{docname}>`"
                rows.append([str(number), f"{era['start'][:4]}–{era['end'][:4]}", era["title"], question])
        return _list_table(self, ["Era", "Years", "Chapter", "Central question"], "8 14 38 40", rows)


def chapter_outline(path: Path) -> dict:
    """What the teacher's guide tabulates about a chapter, read from its own text.

    The title (first heading), the central question (the bold question in the "Central question" box),
    the skills named in bold at the start of each learning objective, the data-literacy objective and
    the class time: so the guide cannot disagree with the chapters.
    """
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()
    box = text.split("Central question", 1)[-1]
    question = re.search(r"\*\*(.+?\?)\*\*", box)
    objectives = text.split("## Learning objectives", 1)[-1].split("\n## ", 1)[0]
    skills = re.findall(r"^\d+\. \*\*(.+?)\*\*:\s*(.+)$", objectives, flags=re.M)
    time_line = re.search(r"\*\*Class time\*\*:\s*(.+?)(?:\*\*Level|$)", objectives, flags=re.M | re.S)
    return {
        "title": title,
        "question": question.group(1) if question else "",
        "historical": [name for name, _ in skills if not name.lower().startswith("data")],
        "data": " ".join(text for name, text in skills if name.lower().startswith("data")),
        "time": time_line.group(1).strip().rstrip(".") if time_line else "",
    }


class ChapterSkillsDirective(SphinxDirective):
    """``{chapter-skills}``: a table of every chapter's question, skills and class time, read from the chapters."""

    def run(self):
        root = Path(self.env.srcdir)
        rows = []
        for path in chapter_sources(root):
            if path.parent.name != "eras" and "epilogue" not in path.stem:
                continue
            self.env.note_dependency(str(path))
            outline = chapter_outline(path)
            docname = path.relative_to(root).with_suffix("").as_posix()
            rows.append([f"{{doc}}`{outline['title']} </{docname}>`", outline["question"],
                         "; ".join(outline["historical"]), outline["data"], outline["time"]])
        return _list_table(self, ["Chapter", "Central question", "Historical thinking", "Data skills", "Class time"],
                           "22 22 20 24 12", rows)


def setup(app):
    app.add_directive("era-table", EraTableDirective)
    app.add_directive("chapter-skills", ChapterSkillsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
