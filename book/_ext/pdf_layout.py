"""The printed book: chapters numbered as the eras, reference pages as appendices, solutions at the end.

* Each era chapter (``book/eras/NN-*.md``) is printed as chapter NN, so that the PDF's "Chapter 2" is
  the book's era 2 whatever comes before it, and its figures are numbered 2.1, 2.2...
* The reference pages and the teaching pages follow as appendices (A, B, ...).
* In the reader's PDF, the worked solutions leave the exercises and are printed together at the end of
  their chapter, under "Worked solutions", so that a reader can try an exercise before seeing its answer;
  the teacher's PDF keeps them next to the exercises.
* The title page carries the date of the build's commit (``SOURCE_DATE_EPOCH``, which the Makefile
  sets from git and which Sphinx uses for ``today``).
"""

from __future__ import annotations

import re

from docutils import nodes

APPENDIX_FROM = "book/reference/"   # the first page under this folder starts the appendices


def _latex(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


def _era_number(docname: str) -> int | None:
    match = re.match(r"book/eras/(\d\d)-", docname)
    return int(match.group(1)) if match else None


def _chapters_and_solutions(app, doctree, docname) -> None:
    """On the one doctree the LaTeX builder assembles from every page (each page in a ``start_of_file``)."""
    if app.builder.name != "latex":
        return
    from sphinx import addnodes

    first_appendix = _first_appendix(app)
    for page in list(doctree.findall(addnodes.start_of_file)):
        name = page["docname"]
        era = _era_number(name)
        if era is not None:
            page.insert(0, _latex(f"\\setcounter{{chapter}}{{{era - 1}}}\n"))
        if name == first_appendix:
            page.insert(0, _latex("\\appendix\n"))
        if app.config.book_edition != "teacher":
            _move_solutions_to_the_end(page, name)


def _first_appendix(app) -> str | None:
    """The first page of the reference part, in the order of _toc.yml."""
    site_map = app.env.external_site_map
    for tree in site_map[site_map.root.docname].subtrees:
        for doc in tree.files():
            if doc.startswith(APPENDIX_FROM):
                return doc
    return None


def _move_solutions_to_the_end(page, docname) -> None:
    from sphinx_exercise.nodes import solution_node

    solutions = list(_own(page, solution_node))
    chapter = next(iter(_own(page, nodes.section)), None)
    if not solutions or chapter is None:
        return
    section = nodes.section(ids=[f"{docname.replace('/', '-')}-worked-solutions"], names=[])
    section += nodes.title(text="Worked solutions")
    section += nodes.paragraph(text="The solutions to this chapter's exercises, printed here so that you can try "
                                    "each exercise before reading its answer.")
    for solution in solutions:
        solution.parent.remove(solution)
        solution["classes"] = [c for c in solution["classes"] if c != "dropdown"]
        section += solution
    chapter += section


def _own(node, kind):
    """The descendants of ``node`` of type ``kind`` that belong to its own page, not to a page nested in it."""
    from sphinx import addnodes

    for child in node.children:
        if isinstance(child, addnodes.start_of_file):
            continue
        if isinstance(child, kind):
            yield child
        elif isinstance(child, nodes.Element):
            yield from _own(child, kind)


def setup(app):
    app.connect("doctree-resolved", _chapters_and_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
