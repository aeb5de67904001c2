"""The printed book: chapters numbered as the eras, reference pages as appendices, solutions at the end;
and the website's figures numbered as the printed ones.

* Each era chapter (``book/eras/NN-*.md``) is printed as chapter NN, so that the PDF's "Chapter 2" is
  the book's era 2 whatever comes before it, and its figures are numbered 2.1, 2.2...
* The reference pages and the teaching pages follow as appendices (A, B, ...), their figures numbered
  A.1, B.1... (LaTeX's own numbering would print them 1.1, 2.1..., the numbers of era chapters).
* The website numbers figures, tables and captioned code the same way (era 2's are 2.1, 2.2... online
  too, not 7, 8... counted through the whole book), so that a class with the PDF and a class with the
  website mean the same figure by "Fig. 2.3". Exercises are counted through the book in both.
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

    first_appendix = _first_appendix(_pages_in_order(app.env))
    for page in list(doctree.findall(addnodes.start_of_file)):
        name = page["docname"]
        era = _era_number(name)
        if era is not None:
            page.insert(0, _latex(f"\\setcounter{{chapter}}{{{era - 1}}}\n"))
        if name == first_appendix:
            page.insert(0, _latex("\\appendix\n" + "".join(
                f"\\renewcommand{{\\the{counter}}}{{\\thechapter.\\arabic{{{counter}}}}}\n"
                for counter in ("figure", "table", "literalblock"))))
        if app.config.book_edition != "teacher":
            _move_solutions_to_the_end(page, name)


def _pages_in_order(env) -> list[str]:
    """The pages after the root page, in the order of _toc.yml."""
    site_map = env.external_site_map
    return [doc for tree in site_map[site_map.root.docname].subtrees for doc in tree.files()]


def _first_appendix(pages: list[str]) -> str | None:
    """The first page of the reference part among ``pages`` (in the order of _toc.yml)."""
    return next((doc for doc in pages if doc.startswith(APPENDIX_FROM)), None)


def chapter_labels(env) -> dict[str, int | str]:
    """What the printed book calls each page: era chapters their era's number, a chapter after them the
    next number (the epilogue is 10), and from the reference part on the appendix letters A, B, ...
    The root page, printed before chapter 1, has no number."""
    labels: dict[str, int | str] = {}
    chapter, appendices = 0, 0
    pages = _pages_in_order(env)
    first_appendix = _first_appendix(pages)
    for doc in pages:
        if doc == first_appendix or appendices:
            labels[doc] = chr(ord("A") + appendices)
            appendices += 1
        else:
            chapter = _era_number(doc) or chapter + 1
            labels[doc] = chapter
    return labels


PRINT_NUMBERED = ("figure", "table", "code-block")   # what LaTeX numbers within each chapter


def _number_figures_by_chapter() -> None:
    """Sphinx numbers the figures of an unnumbered table of contents through the whole book (the Korean
    War map was "Fig. 7" online and "Fig. 2.1" in print). After Sphinx has counted, each page's figures
    are numbered again within the page, after its chapter's label."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = TocTreeCollector.assign_figure_numbers
    if getattr(original, "_house", False):
        return

    def assign_figure_numbers(self, env):
        old = env.toc_fignumbers
        original(self, env)
        labels = chapter_labels(env)
        for docname, types in env.toc_fignumbers.items():
            label = labels.get(docname)
            for figtype in PRINT_NUMBERED:
                numbers = types.get(figtype)
                if numbers:
                    in_order = sorted(numbers, key=numbers.get)
                    types[figtype] = {figure_id: (i,) if label is None else (label, i)
                                      for i, figure_id in enumerate(in_order, 1)}
        return [docname for docname, types in env.toc_fignumbers.items() if types != old.get(docname)]

    assign_figure_numbers._house = True
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


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
    _number_figures_by_chapter()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
