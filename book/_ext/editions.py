"""One source, three editions: the reader's book, the teacher's book and the students' notebooks.

A chapter keeps its teacher notes next to what they are about, in a ``teacher`` directive::

    :::{teacher} Lesson plan
    ...
    :::

and its worked solutions in sphinx-exercise's ``solution`` directive (or the gated pair
``solution-start`` ... ``solution-end`` when a solution runs code). What each edition shows:

=============  ===================================  =================  ==========================
edition        teacher notes                        worked solutions   teacher's guide pages
=============  ===================================  =================  ==========================
reader         absent                               folded             absent
teacher        shown, as "For teachers" boxes       open               present
student        absent from the notebook file        absent             (notebooks only)
=============  ===================================  =================  ==========================

The Sphinx build reads the edition from the environment variable ``BOOK_EDITION`` (``reader``,
the default, or ``teacher``). The notebooks are made from the MyST sources by ``notebook()``,
which parses each Markdown cell with MyST's own Markdown parser and drops whole directive
blocks, so nothing is hidden: a student notebook does not contain the solutions at all.

Command line (run by ``make``)::

    python book/_ext/editions.py teacher     # _build/teacher/html and _build/teacher/book-teacher.pdf
    python book/_ext/editions.py student     # _build/student/notebooks/*.ipynb and student-notebooks.zip
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path

import jupytext
import nbformat
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = ("reader", "teacher")
#: The part of _toc.yml that only the teacher edition shows.
TEACHER_PART = "Teacher's guide"
#: Directives whose whole block an edition's notebook leaves out.
DROPPED = {"reader": {"teacher"}, "teacher": set(), "student": {"teacher", "solution"}}
#: Where the site keeps its downloads (notebooks, zips, PDF), relative to the HTML root.
DOWNLOADS = "downloads"
NOTEBOOKS = "notebooks"
STUDENT_ZIP = "student-notebooks.zip"
DATA_ZIP = "evidence-data.zip"
# Data and helper package shipped with the student notebooks, relative to the repository root.
SHIPPED = ("data", "evidence")
# A fixed date inside zip files, so that two builds of the same commit give the same bytes.
ZIP_DATE = (2024, 12, 31, 0, 0, 0)


def edition() -> str:
    """The edition this build makes, from ``BOOK_EDITION`` (default: the reader's)."""
    name = os.environ.get("BOOK_EDITION", "reader")
    if name not in EDITIONS:
        raise ValueError(f"BOOK_EDITION must be one of {', '.join(EDITIONS)}, not {name!r}")
    return name


# --------------------------------------------------------------------------------------------
# Notebooks from MyST sources
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _markdown_parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)


def directive_blocks(text: str) -> list[tuple[str, int, int]]:
    """The top-level directive blocks of a MyST Markdown text: (name, first line, line after the block).

    Uses MyST's own Markdown parser, so fences of any length, backticks or colons, nest as MyST reads them.
    """
    blocks = []
    for token in _markdown_parser().parse(text):
        if token.type in ("fence", "colon_fence") and token.level == 0 and token.info.startswith("{"):
            name = token.info[1:].split("}", 1)[0]
            blocks.append((name, token.map[0], token.map[1]))
    return blocks


def _drop_blocks(text: str, drop: set[str], gated: bool) -> tuple[str, bool]:
    """Remove the directive blocks named in ``drop`` from one Markdown cell.

    ``gated`` says whether the cell starts inside a gated solution (``solution-start`` seen, no
    ``solution-end`` yet); the second value returned says whether the cell ends inside one.
    """
    lines = text.splitlines(keepends=True)
    keep = [not gated] * len(lines)
    position = 0
    for name, start, end in directive_blocks(text):
        if gated:
            if name == "solution-end":
                keep[start:end] = [False] * (end - start)
                gated = False
                position = end
                keep[position:] = [True] * (len(lines) - position)
            continue
        if name in drop:
            keep[start:end] = [False] * (end - start)
        if name == "solution-start" and "solution" in drop:
            keep[start:] = [False] * (len(lines) - start)
            gated = True
    kept = "".join(line for line, k in zip(lines, keep) if k)
    return kept.strip("\n"), gated


def notebook(path: Path, kind: str) -> nbformat.NotebookNode:
    """The notebook of one MyST chapter for ``kind``: ``reader``, ``teacher`` or ``student``.

    Outputs are empty (the chapter runs in a few seconds), cell ids are fixed by position so
    that two builds give the same file, and the student notebook holds no teacher note and
    no worked solution, neither its text nor its code.
    """
    drop = DROPPED[kind]
    source = jupytext.read(path, fmt="md:myst")
    cells, gated = [], False
    for cell in source.cells:
        if cell.cell_type == "markdown":
            text, gated = _drop_blocks(cell.source, drop, gated)
            if text.strip():
                cells.append(nbformat.v4.new_markdown_cell(text, metadata=cell.metadata))
        elif not gated:
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata))
    if gated:
        raise ValueError(f"{path}: a solution-start has no solution-end")
    if kind == "student":
        cells.insert(0, nbformat.v4.new_markdown_cell(STUDENT_HEADER))
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": dict(source.metadata.get("kernelspec", {})),
        "language_info": {"name": "python"},
    })
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:03d}"
    nbformat.validate(nb)
    return nb


STUDENT_HEADER = """\
*Student notebook of* Moscow and Pyongyang, 1945–2024. The exercises are here; the worked solutions \
and the teacher's notes are not. Run the cells from the top (**Run → Run All Cells**), then work on the \
exercises in the empty cells below each one.

This notebook needs the folders `evidence` and `data` beside it: they come with it in \
`student-notebooks.zip`. In Colab, upload the zip, run `!unzip -o student-notebooks.zip` in a cell, \
and open the notebook from the file panel."""


def chapter_sources(root: Path = ROOT) -> list[Path]:
    """The chapters that become notebooks: every notebook in _toc.yml except the reference pages."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(root / "_toc.yml")
    found = []
    for docname in [site_map.root.docname, *(d for d in site_map if d != site_map.root.docname)]:
        path = root / f"{docname}.md"
        if path.is_file() and "reference" not in path.parts and _is_notebook(path):
            found.append(path)
    return sorted(found, key=lambda p: (p.parent != root / "book", p.name))


def _is_notebook(path: Path) -> bool:
    head = path.read_text(encoding="utf-8")[:2000]
    return head.startswith("---") and "kernelspec:" in head


def write_notebooks(folder: Path, kind: str, root: Path = ROOT) -> list[Path]:
    """Write the ``kind`` notebook of every chapter into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapter_sources(root):
        target = folder / f"{path.stem}.ipynb"
        _write_if_changed(target, nbformat.writes(notebook(path, kind)) + "\n")
        written.append(target)
    return written


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _zip(target: Path, members: list[tuple[Path, str]]) -> None:
    """Write a zip with fixed dates and a fixed order, so the same inputs give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for source, name in sorted(members, key=lambda m: m[1]):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())
    if not target.exists() or target.read_bytes() != buffer.getvalue():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buffer.getvalue())


def _shipped_files(root: Path) -> list[tuple[Path, str]]:
    members = []
    for folder in SHIPPED:
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and "__pycache__" not in relative.parts and "scripts" not in relative.parts:
                members.append((path, relative.as_posix()))
    return members


def student_zip(notebooks: list[Path], target: Path, root: Path = ROOT) -> Path:
    """Zip the student notebooks with the data and the helper package they import."""
    members = [(nb, nb.name) for nb in notebooks] + _shipped_files(root)
    _zip(target, members)
    return target


def data_zip(target: Path, root: Path = ROOT) -> Path:
    """Zip every CSV of data/ with datapackage.json."""
    members = [(p, f"data/{p.name}") for p in sorted((root / "data").glob("*")) if p.suffix in (".csv", ".json")]
    _zip(target, members)
    return target


# --------------------------------------------------------------------------------------------
# The Sphinx extension
# --------------------------------------------------------------------------------------------

class TeacherDirective(SphinxDirective):
    """``{teacher} Title``: notes for teachers, shown only in the teacher edition.

    In the reader's edition the directive leaves nothing in the page (no hidden block). Teacher
    notes must not define labels that the rest of the book refers to.
    """

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"class": directives.class_option}

    def run(self):
        if self.config.book_edition != "teacher":
            return []
        title = "For teachers" + (f": {self.arguments[0]}" if self.arguments else "")
        node = nodes.admonition("\n".join(self.content), classes=["teacher", *self.options.get("class", [])])
        title_nodes, messages = self.state.inline_text(title, self.lineno)
        node += nodes.title(title, "", *title_nodes)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node, *messages]


def _edition_html_title(app, config) -> None:
    """The teacher edition says so in its title on every page ..."""
    if config.book_edition == "teacher":
        config.html_title = f"{config.html_title} (teacher's edition)"


def _edition_pdf_title(app, env) -> None:
    """... and on the PDF's title page (set late: jupyter-book rewrites latex_documents after start-up)."""
    if app.config.book_edition == "teacher" and app.builder.name == "latex":
        app.config.latex_documents = [(start, target, f"{title} (teacher's edition)", *rest)
                                      for start, target, title, *rest in app.config.latex_documents]


def _drop_teacher_part(app, config) -> None:
    """In the reader edition, leave the teacher's guide part of _toc.yml out of the book."""
    if config.book_edition == "teacher":
        return
    site_map = config.external_site_map
    root = site_map[site_map.root.docname]
    dropped = [tree for tree in root.subtrees if tree.caption == TEACHER_PART]
    for tree in dropped:
        root.subtrees.remove(tree)
        for docname in tree.files():
            del site_map[docname]
            config.exclude_patterns = [*config.exclude_patterns, f"{docname}.md"]


def _open_solutions(app, doctree) -> None:
    """In the teacher edition, solutions are open: no dropdown."""
    if app.config.book_edition != "teacher":
        return
    from sphinx_exercise.nodes import solution_node

    for node in doctree.findall(solution_node):
        node["classes"] = [c for c in node["classes"] if c != "dropdown"]


def _detach_exercise_nodes(app, doctree) -> None:
    """Keep sphinx-exercise's registry small in the pickled environment.

    The registry keeps a node for every exercise and solution, and each of those nodes still points
    at its whole page (a solution is the page's own node; an exercise is a copy that keeps the
    ``document`` reference). Pickled, the environment therefore held every chapter's doctree again:
    2.2 of its 4.9 MB, unpickled at every build. The registry only needs each node's class,
    attributes and title, so it gets a copy cut loose from the page.
    """
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for entry in registry.values():
        if entry.get("docname") != app.env.docname:
            continue
        copy = entry["node"].deepcopy()
        for node in copy.findall():
            node.document = None
        entry["node"] = copy


def _chapter_docnames(app) -> set[str]:
    """The docnames of the chapters that have notebooks (computed once per build)."""
    if not hasattr(app, "_chapter_docnames"):
        root = Path(app.srcdir)
        app._chapter_docnames = {p.relative_to(root).with_suffix("").as_posix() for p in chapter_sources(root)}
    return app._chapter_docnames


def _download_buttons(app, pagename, templatename, context, doctree) -> None:
    """Offer each chapter's notebooks (full and student) in the theme's download menu."""
    if pagename not in _chapter_docnames(app):
        return
    stem = Path(pagename).name
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        pathto = context["pathto"]
        group["buttons"][:0] = [
            {"type": "link", "url": pathto(f"{NOTEBOOKS}/{stem}.ipynb", 1), "text": "notebook (.ipynb)",
             "tooltip": "Download this chapter as a Jupyter notebook", "icon": "fas fa-code",
             "label": "download-notebook-full"},
            {"type": "link", "url": pathto(f"{NOTEBOOKS}/student/{stem}.ipynb", 1),
             "text": "student notebook (.ipynb)", "tooltip": "Download the notebook without worked solutions",
             "icon": "fas fa-user-graduate", "label": "download-notebook-student"},
        ]


def _resources_named_in(code: str) -> list[str]:
    """The data resources a cell's ``source_line(fig, ...)`` names, read with Python's own parser."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "source_line" and len(node.args) >= 2:
            arg = node.args[1]
            items = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
            names += [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return names


def _link_figures_to_their_data(app, doctree, docname) -> None:
    """Under each chart's caption, link the CSV files its source line names, so readers can open the numbers."""
    if app.builder.format != "html":
        return
    from sphinx.util.osutil import relative_uri

    here = app.builder.get_target_uri(docname)
    # findall(a class) takes docutils' fast path; a condition function visits every node through Python (3x slower)
    for cell in [n for n in doctree.findall(nodes.container) if n.get("nb_element") == "cell_code"]:
        figures = list(cell.findall(nodes.figure))
        if not figures:   # most cells draw nothing: their code need not be parsed
            continue
        code = "\n".join(block.astext() for block in cell.findall(nodes.literal_block))
        resources = _resources_named_in(code)
        for figure in figures:
            caption = next(iter(figure.findall(nodes.caption)), None)
            if caption is None or not resources or caption.get("data_linked"):
                continue
            caption["data_linked"] = True
            caption += nodes.Text(" Data: ")
            for i, name in enumerate(resources):
                target = f"data/{name}.csv"
                caption += nodes.reference(target, f"{name}.csv", refuri=relative_uri(here, target), internal=False)
                caption += nodes.Text(", " if i < len(resources) - 1 else ".")


class DataDownloadsDirective(SphinxDirective):
    """``{data-downloads}``: the list of every data file, with its rows, and the zip of them all.

    The same list in every edition; on the website (``_link_downloads``) each name links to the file,
    which the build copies into the site's ``data/`` folder.
    """

    def run(self):
        import json as _json

        root = Path(self.env.srcdir)
        descriptor_path = root / "data" / "datapackage.json"
        self.env.note_dependency(str(descriptor_path))
        items = nodes.bullet_list(classes=["data-downloads"])
        for res in _json.loads(descriptor_path.read_text(encoding="utf-8"))["resources"]:
            csv_path = root / "data" / res["path"]
            self.env.note_dependency(str(csv_path))
            rows = max(csv_path.read_text(encoding="utf-8").count("\n") - 1, 0)
            line = nodes.paragraph()
            line += nodes.literal(text=f"data/{res['path']}", target=f"data/{res['path']}")
            line += nodes.Text(f": {res['title']} ({rows:,} rows, {csv_path.stat().st_size / 1024:,.0f} KiB)")
            items += nodes.list_item("", line)
        for target, text in ((f"data/datapackage.json", ": the description of every file (fields, units, sources, licences)"),
                             (f"{DOWNLOADS}/{DATA_ZIP}", ": all of the above in one zip")):
            line = nodes.paragraph()
            line += nodes.literal(text=target, target=target)
            line += nodes.Text(text)
            items += nodes.list_item("", line)
        return [items]


def _available_downloads(root: Path, edition_name: str) -> list[tuple[str, str, Path | None]]:
    """(name in the site's downloads folder, description, source file to copy or None) of what this build offers."""
    offered = [(STUDENT_ZIP, "the students' notebooks, with the data and the helper package they need", None),
               (DATA_ZIP, "every data file of the book with its description", None)]
    pdf = root / "_build" / ("teacher/book-teacher.pdf" if edition_name == "teacher" else "latex/book.pdf")
    if pdf.exists():
        offered.insert(0, (pdf.name, "the whole book as a PDF" + (" (teacher's edition)" if edition_name == "teacher" else ""),
                           pdf))
    return offered


class DownloadsDirective(SphinxDirective):
    """``{downloads}``: what a reader can take away: the PDF (once built), the students' notebooks, the data."""

    def run(self):
        root = Path(self.env.srcdir)
        self.env.editions_download_docs = getattr(self.env, "editions_download_docs", set()) | {self.env.docname}
        items = nodes.bullet_list()
        for name, description, _ in _available_downloads(root, self.config.book_edition):
            line = nodes.paragraph()
            line += nodes.literal(text=name, target=f"{DOWNLOADS}/{name}")
            line += nodes.Text(f": {description}.")
            items += nodes.list_item("", line)
        return [items]


def _reread_when_downloads_change(app, env, added, changed, removed) -> list[str]:
    """A page listing the downloads is read again when a PDF appears or disappears."""
    state = tuple(name for name, _, _ in _available_downloads(Path(app.srcdir), app.config.book_edition))
    previous = getattr(env, "editions_download_state", None)
    env.editions_download_state = state
    return sorted(getattr(env, "editions_download_docs", set())) if previous not in (None, state) else []


def _merge_download_docs(app, env, docnames, other) -> None:
    """Pages read in parallel: the pages listing the downloads, from each reading process."""
    env.editions_download_docs = getattr(env, "editions_download_docs", set()) | getattr(other, "editions_download_docs", set())


def _link_downloads(app, doctree, docname) -> None:
    """On the website, turn the file names of ``{data-downloads}`` into links to the copies in the site."""
    if app.builder.format != "html":
        return
    from sphinx.util.osutil import relative_uri

    here = app.builder.get_target_uri(docname)
    for literal in list(doctree.findall(nodes.literal)):
        target = literal.get("target")
        if target:
            link = nodes.reference("", "", refuri=relative_uri(here, target), internal=False)
            link += nodes.literal(text=literal.astext())
            literal.replace_self(link)


def _inputs_fingerprint(root: Path) -> str:
    """Names, sizes and times of everything the downloads are made from (chapters, data, helpers, toc)."""
    import hashlib

    files = sorted([root / "_toc.yml", *chapter_sources(root), *(p for folder in SHIPPED for p in (root / folder).rglob("*")
                                                                 if p.is_file() and "__pycache__" not in p.parts)])
    return hashlib.sha256("".join(f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns};" for f in files).encode()).hexdigest()


def _start_downloads(app, env) -> None:
    """Write the chapters' notebooks, the zips and the data files into the website, again only when
    they changed. They are made from the sources alone, not from anything Sphinx builds, so they are
    written by a second process while Sphinx numbers and writes the pages (``_downloads_written``
    waits for it at the end of the build)."""
    if app.builder.format != "html":
        return
    root, out = Path(app.srcdir), Path(app.outdir)
    stamp = Path(app.doctreedir) / "house-cache" / f"downloads-{app.config.book_edition}.inputs"   # not in the site
    pdfs = [s for _, _, s in _available_downloads(root, app.config.book_edition) if s is not None]
    fingerprint = f"{app.config.book_edition}:{_inputs_fingerprint(root)}:" + ";".join(f"{p.stat().st_mtime_ns}" for p in pdfs)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint:
        return
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(
        target=_write_downloads, args=(root, out, app.config.book_edition, stamp, fingerprint), name="downloads")
    process.start()
    app.house_downloads = process


def _write_downloads(root: Path, out: Path, edition: str, stamp: Path, fingerprint: str) -> None:
    write_notebooks(out / NOTEBOOKS, edition, root)
    students = write_notebooks(out / NOTEBOOKS / "student", "student", root)
    student_zip(students, out / DOWNLOADS / STUDENT_ZIP, root)
    data_zip(out / DOWNLOADS / DATA_ZIP, root)
    for name, _, source in _available_downloads(root, edition):
        if source is not None:
            shutil.copyfile(source, out / DOWNLOADS / name)
    for csv in sorted((root / "data").glob("*")):
        if csv.suffix in (".csv", ".json"):
            target = out / "data" / csv.name
            if not target.exists() or target.read_bytes() != csv.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(csv, target)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint, encoding="utf-8")


def _downloads_written(app, exception) -> None:
    """The end of the build waits for the downloads; their failure fails the build (its traceback is above)."""
    process = getattr(app, "house_downloads", None)
    if process is None:
        return
    process.join()
    app.house_downloads = None
    if process.exitcode != 0 and exception is None:
        from sphinx.errors import ExtensionError

        raise ExtensionError(f"writing the downloads (notebooks, zips, data) failed with exit code {process.exitcode}")


def setup(app):
    app.add_config_value("book_edition", edition(), "env")
    app.add_directive("teacher", TeacherDirective)
    app.connect("config-inited", _drop_teacher_part, priority=901)   # after sphinx-external-toc (900)
    app.connect("config-inited", _edition_html_title, priority=902)
    app.connect("env-updated", _edition_pdf_title)
    app.connect("doctree-read", _open_solutions)
    app.connect("doctree-read", _detach_exercise_nodes)
    app.connect("doctree-resolved", _link_figures_to_their_data)
    app.connect("doctree-resolved", _link_downloads)
    app.add_directive("data-downloads", DataDownloadsDirective)
    app.add_directive("downloads", DownloadsDirective)
    app.connect("env-get-outdated", _reread_when_downloads_change)
    app.connect("env-merge-info", _merge_download_docs)
    app.connect("html-page-context", _download_buttons, priority=510)  # after the theme's buttons (501)
    app.connect("env-updated", _start_downloads, priority=100)   # first: the second core writes them meanwhile
    app.connect("build-finished", _downloads_written, priority=950)   # last: the finishing steps overlap with it
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------------------------
# Command line: the teacher's edition and the students' notebooks
# --------------------------------------------------------------------------------------------

def build_teacher(root: Path = ROOT) -> int:
    """Build the teacher's website and PDF, sharing the reader's execution cache."""
    from jupyter_book.sphinx import build_sphinx

    from run_jupyter_book import without_cycle_collection   # beside this file, which make runs as a script

    without_cycle_collection()   # as for the reader's edition: a quarter of a Sphinx pass was spent collecting
    os.environ["BOOK_EDITION"] = "teacher"
    out = root / "_build" / "teacher"
    overrides = {"external_toc_path": str(root / "_toc.yml"), "nitpicky": True, "latex_individualpages": False,
                 "nb_execution_cache_path": str(root / "_build" / ".jupyter_cache")}
    for builder, folder in (("html", "html"), ("latex", "latex")):
        result = build_sphinx(root, out / folder, use_external_toc=True, noconfig=True,
                              path_config=str(root / "_config.yml"), confoverrides=dict(overrides),
                              builder=builder, warningiserror=True, keep_going=True)
        if result:
            return result if isinstance(result, int) else 1
    made = subprocess.run(["make", "all-pdf"], cwd=out / "latex", stdout=subprocess.DEVNULL)
    if made.returncode:
        return made.returncode
    shutil.copyfile(out / "latex" / "book.pdf", out / "book-teacher.pdf")
    print(f"Teacher's edition: {out / 'html' / 'index.html'} and {out / 'book-teacher.pdf'}")
    return 0


def build_student(root: Path = ROOT) -> int:
    """Write the students' notebooks and their zip (with the data and the helper package)."""
    out = root / "_build" / "student"
    notebooks = write_notebooks(out / "notebooks", "student", root)
    target = student_zip(notebooks, out / STUDENT_ZIP, root)
    print(f"Student notebooks: {len(notebooks)} in {out / 'notebooks'}; zip: {target} "
          f"({target.stat().st_size / 1024:.0f} KiB)")
    return 0


def build_site_archive(root: Path = ROOT) -> int:
    """Zip the reader's website (built by ``make book``) so that it works opened from disk or served offline.

    Only the files the pages use go in: images left over from earlier builds are skipped, and so are the
    build's own bookkeeping files and the source maps of the theme's scripts.
    """
    import re as _re

    html = root / "_build" / "html"
    pages = list(html.rglob("*.html"))
    used = set()
    for page in pages:
        used.update(_re.findall(r'_images/([^"?#]+)', page.read_text(encoding="utf-8")))
    members = []
    for path in sorted(html.rglob("*")):
        relative = path.relative_to(html)
        if not path.is_file() or path.name in (".buildinfo", "objects.inv") or path.suffix == ".map":
            continue
        if relative.parts[0] == "_images" and path.name not in used:
            continue
        members.append((path, f"moscow-pyongyang/{relative.as_posix()}"))
    target = root / "_build" / "site.zip"
    _zip(target, members)
    print(f"Site archive: {target} ({target.stat().st_size / 1024 / 1024:.1f} MiB, {len(members)} files); "
          "unzip it and open moscow-pyongyang/index.html")
    return 0


if __name__ == "__main__":
    commands = {"teacher": build_teacher, "student": build_student, "site-archive": build_site_archive}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(commands)}}}")
    sys.exit(commands[sys.argv[1]]())
