"""Fixes to the HTML that Jupyter Book 1 writes, each for a measured problem.

Where the cause is in a node or a template, the fix is there (a doctree transform or our own
HTML visitor); where a theme writes fixed markup, the written page is corrected. Every fix names
the problem it solves:

1. Navigation on phones and the sidebar toggles (pydata-sphinx-theme #2451, sphinx-book-theme #988):
   the theme binds its handler to the *first* ``.primary-toggle``/``.secondary-toggle`` of the page,
   a hidden duplicate in ``#pst-header``; with the duplicates removed, the visible buttons open the menu.
2. Weight: ``fontawesome.js`` (1.4 MB) is dropped, since the icons render from the web font that the
   theme's CSS already loads; the search scripts (index, tools, language data) load only on the
   search page, where the search runs; the theme's CSS is cut to the rules the site can use; the small
   scripts in <head> are deferred, so they do not hold up the first paint.
3. Validity (Nu Html Checker): myst-nb's folded code cells put ``<p>`` in ``<summary>`` (we write
   ``<span>``); sphinx-exercise gives every exercise and solution body the same id (we make them
   unique); the root ``index.html`` redirect gets a doctype, a language and a title.
4. Accessibility (axe-core): the search buttons' label differs from their visible text; the primary
   sidebar sits outside any landmark; the colour-mode icons carry titles unlike the button's label;
   docutils writes citations as ``role="doc-biblioentry"`` inside ``role="list"``.
5. Duplicate inline scripts (sphinx-thebe and sphinx-togglebutton with Sphinx 7.4) and the thebe
   loader's CDN address: dropped, so no page names another server in what it loads.
6. Each page gets a meta description: its first paragraph, shortened.
"""

from __future__ import annotations

import html
import io
import os
import re
from pathlib import Path

from docutils import nodes

SEARCH_ONLY = ("searchtools.js", "language_data.js", "searchindex.js")
DROPPED_SCRIPTS = ("fontawesome.js",)

_FIXES = [
    # 1. the hidden duplicates of the sidebar toggles in the pydata header
    (re.compile(r'\s*<button class="pst-navbar-icon sidebar-toggle (?:primary|secondary)-toggle" aria-label="[^"]*">\s*'
                r'<span class="fa-solid fa-[\w-]+"></span>\s*</button>'), ""),
    # 4. accessibility
    (re.compile(r'(<button class="btn search-button-field search-button__button[^"]*" title="Search") aria-label="Search"'), r"\1"),
    (re.compile(r'<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'),
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="complementary" aria-label="Book navigation">'),
    (re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry"'), r'\1 role="listitem"'),
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'), r"\1"),
]

REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


# --- 3. folded code cells: a summary with phrasing content only ------------------------------

def _visit_hide_cell_input(self, node) -> None:
    """myst-nb's folded code cell, with <span> titles (a <summary> may not hold <p>) and its visible name."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<span class="collapsed admonition-title">{html.escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{html.escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def _depart_hide_cell_input(self, node) -> None:
    self.body.append("</details>\n")


# --- 3. unique ids for exercise and solution bodies ------------------------------------------

def _unique_exercise_ids(app, doctree, docname) -> None:
    """sphinx-exercise gives every body the id 'exercise-content' or 'solution-content': make them unique."""
    seen: dict[str, int] = {}
    for section in doctree.findall(nodes.section):
        for fixed in ("exercise-content", "solution-content"):
            if fixed in section["ids"]:
                parent = section.parent
                label = (parent.get("label") or parent.get("ids", [fixed])[0]) if parent is not None else fixed
                new = f"{label}-{fixed.split('-')[0]}-body"
                seen[new] = seen.get(new, 0) + 1
                if seen[new] > 1:
                    new = f"{new}-{seen[new]}"
                section["ids"] = [new if i == fixed else i for i in section["ids"]]


# --- 2, 5, 6: what each page loads, and its description ---------------------------------------

def _note_written(app, pagename: str) -> None:
    """The pages this build writes, for ``_fix_written_html``. A chapter is noted when its doctree is
    resolved, in the main process: with parallel writing its page is rendered in another process."""
    app.house_written = getattr(app, "house_written", set()) | {pagename}


def _page_context(app, pagename, templatename, context, doctree) -> None:
    _note_written(app, pagename)   # the pages with no source (index, search), rendered in this process
    seen, kept = set(), []
    for js in context.get("script_files", []):
        filename = getattr(js, "filename", None) or ""   # None and "" both mean inline
        attrs = getattr(js, "attributes", None) or {}
        body = attrs.get("body", "")
        if "THEBE_JS_URL" in body or "thebe" in filename:
            continue
        name = filename.split("?")[0].rsplit("/", 1)[-1]
        if name in DROPPED_SCRIPTS or (name in SEARCH_ONLY and pagename != "search"):
            continue
        key = filename.split("?")[0] if filename else ("inline", body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    context["script_files"] = kept
    if doctree is not None:
        description = _description(doctree)
        if description:
            context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{html.escape(description)}">'


def _description(doctree, limit: int = 155) -> str:
    """The page's first real paragraph, shortened to about a search result's length."""
    for paragraph in doctree.findall(nodes.paragraph):
        if paragraph.next_node(nodes.Invisible) or isinstance(paragraph.parent, (nodes.admonition, nodes.title)):
            continue
        text = " ".join(paragraph.astext().split())
        if len(text) >= 60:
            return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


# --- written pages -----------------------------------------------------------------------------

def _fix_written_html(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    written = [out / f"{name}.html" for name in getattr(app, "house_written", set())]   # pages this build wrote
    for path in written:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in _FIXES:
            fixed = pattern.sub(replacement, fixed)
        fixed = re.sub(r'\s*<script defer src="[^"]*fontawesome\.js[^"]*"></script>', "", fixed)
        fixed = re.sub(r'\s*<link rel="preload" as="script" href="[^"]*fontawesome\.js[^"]*" ?/?>', "", fixed)
        if path.name != "search.html":  # the theme's layout loads the search on every page; it runs on one
            fixed = re.sub(r'\s*<script src="[^"]*(?:searchtools|language_data|searchindex)\.js"></script>', "", fixed)
            # The extensions' small scripts in <head> block the first paint (about 160 ms each on a throttled phone,
            # Lighthouse); none is called by an inline script while the page is parsed, so they can wait for the
            # parse, in order. documentation_options.js stays: inline scripts set its DOCUMENTATION_OPTIONS at once.
            fixed = re.sub(r'<script (?!defer)((?:data-[\w-]+="[^"]*" )*)src="(?![^"]*documentation_options)',
                           r'<script defer \1src="', fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    index = out / "index.html"
    if index.exists() and "<!DOCTYPE" not in index.read_text(encoding="utf-8")[:100]:
        target = re.search(r'url=([^"\s]+)', index.read_text(encoding="utf-8")).group(1)
        index.write_text(REDIRECT.format(title=html.escape(app.config.html_title or app.config.project), target=target),
                         encoding="utf-8")
    _purge_theme_css(out, Path(app.doctreedir) / "house-cache")
    _bundle_css(out, written, Path(app.doctreedir) / "house-cache")
    if written:
        _drop_unused_images(out)


def _drop_unused_images(out: Path) -> None:
    """Sphinx copies each chart into ``_images`` under a name made from its content and never removes the
    old one: after a chart changed, the site (and its offline archive) kept the earlier drawing, and
    differed from a clean build. Images that no page shows any more are removed."""
    images = out / "_images"
    if not images.is_dir():
        return
    shown = {name for page in out.rglob("*.html")
             for name in re.findall(r'_images/([^"\'\s)?#]+)', page.read_text(encoding="utf-8"))}
    for image in images.iterdir():
        if image.is_file() and image.name not in shown:
            image.unlink()


# --- 2. one stylesheet and no blocking script per page -----------------------------------------

STYLESHEET = re.compile(r'<link (?:href="([^"]+)" rel="stylesheet" ?/>|rel="stylesheet" type="text/css" href="([^"]+)" ?/>)')
BUNDLE = "house-bundle.css"


def _inline_css(static: Path, href: str, seen: set[Path]) -> str:
    """One stylesheet's text, its @import statements replaced by the files they name, its url()s made
    relative to ``_static`` (where the bundle lives)."""
    path = (static / href).resolve()
    if path in seen:
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'@import\s+(?:url\()?"([^"]+)"\)?\s*;',
                  lambda m: _inline_css(path.parent, m.group(1), seen), text)

    def rebase(m: re.Match) -> str:
        target = m.group(2)
        if re.match(r"(?:[a-z]+:|/|#)", target):
            return m.group(0)
        return f"url({m.group(1)}{os.path.relpath(path.parent / target, static.resolve())}{m.group(1)})"

    return re.sub(r"""url\((["']?)([^"')]+)\1\)""", rebase, text)


def _bundle_css(out: Path, written: list[Path], cache: Path) -> None:
    """Every page loads eleven small stylesheets in <head>, and on a phone each costs a round trip
    before the first paint (Lighthouse: about 160 ms each). Join them, in the pages' order, into one
    file, and point the pages written in this build at it. The list of files is kept in ``cache``
    so that the bundle is rewritten from the current files on every build, whichever pages were written.
    documentation_options.js (a few hundred bytes that inline scripts need at once) is inlined too."""
    import json

    static = out / "_static"
    listing = cache / "bundle.json"
    hrefs = json.loads(listing.read_text(encoding="utf-8")) if listing.exists() else []
    options = static / "documentation_options.js"
    for path in written:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        prefix = "../" * (len(path.relative_to(out).parts) - 1) + "_static/"
        links = [m.group(1) or m.group(2) for m in STYLESHEET.finditer(text)]
        if not links:
            continue
        hrefs += [h for h in (link.split("?")[0].removeprefix(prefix) for link in links if BUNDLE not in link)
                  if h not in hrefs]   # every page has the same list; a page with one more adds it at the end
        first = True

        def one_link(m: re.Match) -> str:
            nonlocal first
            keep, first = first, False
            return f'<link rel="stylesheet" href="{prefix}{BUNDLE}" />' if keep else ""

        fixed = STYLESHEET.sub(one_link, text)
        fixed = re.sub(rf'<script src="{re.escape(prefix)}documentation_options\.js[^"]*"></script>',
                       lambda m: "<script>" + options.read_text(encoding="utf-8") + "</script>", fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    if hrefs:
        cache.mkdir(parents=True, exist_ok=True)
        listing.write_text(json.dumps(hrefs), encoding="utf-8")
        seen: set[Path] = set()
        text = "".join(_inline_css(static, h, seen) + "\n" for h in hrefs if (static / h).is_file())
        (static / BUNDLE).write_text(_subset_icon_fonts(static, text, cache), encoding="utf-8")


def _subset_icon_fonts(static: Path, css: str, cache: Path) -> str:
    """The icon fonts (Font Awesome: 156 KiB for the solid style alone) hold some 2,000 icons; the site
    shows about 30. Cut each font to the icons the bundled CSS can show (its private-use characters,
    which the purge left only for rules the site uses), write it as WOFF (fontTools, already installed
    with matplotlib), and point the bundle's @font-face at it. Cached on the font and the icon list."""
    import hashlib
    import shutil

    icons = sorted({ord(c) for c in css if 0xE000 <= ord(c) <= 0xF8FF})

    def cut(m: re.Match) -> str:
        face, folder, name = m.group(0), m.group(1), m.group(2)
        source = static / folder / f"{name}.ttf"
        if not icons or not source.is_file():
            return face
        key = hashlib.sha256(source.read_bytes() + repr(icons).encode()).hexdigest()[:16]
        cached = cache / f"{name}-{key}.woff"
        if not cached.exists():
            import logging

            from fontTools import subset

            # a11y-pygments (loaded by the theme) sets the root logger to INFO when imported, and fontTools
            # then prints some forty lines of subsetting detail into the build's output
            logging.getLogger("fontTools").setLevel(logging.WARNING)
            for old in cache.glob(f"{name}-*.woff"):
                old.unlink()
            options = subset.Options()
            options.flavor = "woff"
            font = subset.load_font(str(source), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=icons)
            subsetter.subset(font)
            subset.save_font(font, str(cached), options)
        shutil.copyfile(cached, static / folder / f"{name}.house.woff")
        return re.sub(r"src:[^;}]*", f'src:url({folder}/{name}.house.woff) format("woff")', face)

    return re.sub(r"@font-face\{[^}]*url\(([\w/.-]+)/([\w-]+)\.woff2\)[^}]*\}", cut, css)


# --- 2. the theme's CSS, cut to what the site can use ------------------------------------------

# The stylesheets of the theme and of the extensions that every page loads (not the book's own house.css).
THEME_CSS = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "sphinx-design.min.css",
             "mystnb.*.css", "exercise.css", "togglebutton.css", "copybutton.css")


def _purge_theme_css(out: Path, cache: Path) -> None:
    """Keep only the CSS rules whose classes and ids occur in the site's pages or scripts.

    The theme's stylesheet is 390 KiB, mostly Bootstrap rules for components the book never uses.
    A rule is kept if every class and id in at least one of its selectors appears as a word in some
    page or script of the site (scripts count, because they add classes such as ``show`` at run time).
    Sphinx copies the theme's file again on every build; the purged text is kept in ``cache`` and
    reused while the theme's file and the words of the site are the same.
    """
    import hashlib
    import json

    sources = sorted(list(out.rglob("*.html")) + list((out / "_static").rglob("*.js")))
    # The words are read again only when a page or script changed (a no-change rebuild writes none).
    signature = hashlib.sha256(repr([(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sources]).encode()).hexdigest()
    known = cache / "purge-words.json"
    saved = json.loads(known.read_text(encoding="utf-8")) if known.exists() else {}
    if saved.get("signature") == signature:
        words = set(saved["words"])
    else:
        words = set()
        for path in sources:
            words.update(re.findall(r"[A-Za-z_][\w-]*", path.read_text(encoding="utf-8", errors="replace")))
        cache.mkdir(parents=True, exist_ok=True)
        known.write_text(json.dumps({"signature": signature, "words": sorted(words)}), encoding="utf-8")
    paths = sorted({path for pattern in THEME_CSS for path in (out / "_static").glob(pattern)})
    for path in paths:
        if path.read_text(encoding="utf-8").startswith("/* purged"):
            continue
        text = path.read_text(encoding="utf-8")
        stem = path.name.removesuffix(".css").replace(".", "-")
        key = hashlib.sha256(text.encode() + "\n".join(sorted(words)).encode()).hexdigest()
        cached = cache / f"purged-{stem}-{key[:16]}.css"
        if not cached.exists():
            cache.mkdir(parents=True, exist_ok=True)
            for old in cache.glob(f"purged-{stem}-*.css"):
                old.unlink()
            cached.write_text("/* purged of rules this site cannot use (book/_ext/house_html.py) */\n"
                              + _purge(text, words), encoding="utf-8")
        path.write_text(cached.read_text(encoding="utf-8"), encoding="utf-8")


def _purge(text: str, words: set[str]) -> str:
    import tinycss2

    def usable(selector: str) -> bool:
        names = re.findall(r"[.#](-?[A-Za-z_][\w-]*)", re.sub(r"\[[^\]]*\]|\([^)]*\)", "", selector))
        return all(name in words for name in names)

    def purge(rules) -> str:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = [s for s in tinycss2.serialize(rule.prelude).split(",") if usable(s)]
                if selectors:
                    kept.append(",".join(s.strip() for s in selectors) + "{" + tinycss2.serialize(rule.content) + "}")
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer", "container") and rule.content:
                inner = purge(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
            elif rule.type == "at-rule":
                kept.append(tinycss2.serialize([rule]))
        return "".join(kept)

    return purge(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))


def _keep_index_entries_across_builds() -> None:
    """Sphinx keeps the search index's words of pages it does not write again by reading them back
    from the last ``searchindex.js``, but not its index entries (the glossary's terms): after any
    build that rewrote some pages, searching for a glossary term no longer found its definition, and
    the index differed from a clean build's. Read them back too."""
    from sphinx.search import IndexBuilder

    original = IndexBuilder.load
    if getattr(original, "_house", False):
        return

    def load(self, stream, format):
        if isinstance(format, str):
            format = self.formats[format]
        text = stream.read()
        original(self, io.StringIO(text), format)
        frozen = format.loads(text)
        docnames = frozen.get("docnames", ())
        restored: dict[str, list] = {}
        for entry, hits in (frozen.get("indexentries") or {}).items():
            for index, target_id, main in hits:
                restored.setdefault(docnames[index], []).append((entry, target_id, "main" if main else ""))
        for docname in docnames:   # in the index's own order, as a clean build feeds them
            if docname in restored and docname not in self._index_entries:
                self._index_entries[docname] = sorted(restored[docname])

    load._house = True
    IndexBuilder.load = load


def _numref_targets_read_once() -> None:
    """Sphinx unpickles the whole target page for every ``{numref}`` it resolves, only to look up the
    figure's node (71 references, 71 page loads of about 30 ms in a clean build of this book). While a
    builder writes, the pages no longer change, so each is loaded once per builder for this read-only use."""
    from sphinx.domains.std import StandardDomain

    original = StandardDomain._resolve_numref_xref
    if getattr(original, "_house", False):
        return

    def _resolve_numref_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        loaded = builder.__dict__.setdefault("_house_numref_pages", {})
        load = env.get_doctree

        def get_doctree(docname):
            if docname not in loaded:
                loaded[docname] = load(docname)
            return loaded[docname]

        env.get_doctree = get_doctree   # for this call only (the environment is pickled without it)
        try:
            return original(self, env, fromdocname, builder, typ, target, node, contnode)
        finally:
            del env.get_doctree

    _resolve_numref_xref._house = True
    StandardDomain._resolve_numref_xref = _resolve_numref_xref


def _pages_unpickled_once_for_numbering_and_writing() -> None:
    """After reading, Sphinx unpickles every page to number its figures, and then again to write it (17
    pages of about 30 ms each in a clean build of this book). Numbering only walks a page and records its
    figures' ids; writing then changes it. So each page that numbering loads is kept, and handed to the
    next caller instead of being unpickled again. A kept page is handed out once and then forgotten, so
    no two users ever share a tree, and whoever asks again gets a fresh copy as before."""
    import weakref

    from sphinx.environment import BuildEnvironment
    from sphinx.environment.collectors.toctree import TocTreeCollector

    if getattr(BuildEnvironment.get_doctree, "_house_handover", False):   # its own mark: pdf_layout.py also
        return                                                              # wraps assign_figure_numbers
    load, number = BuildEnvironment.get_doctree, TocTreeCollector.assign_figure_numbers
    kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # environment -> {docname: doctree}
    numbering: weakref.WeakSet = weakref.WeakSet()                    # environments being numbered

    def get_doctree(self, docname):
        pages = kept.get(self)
        if pages and docname in pages:
            return pages.pop(docname)
        doctree = load(self, docname)
        if self in numbering:
            # numbering gets its own reference; the kept one goes to the next caller (the writer)
            kept.setdefault(self, {})[docname] = doctree
        return doctree

    def assign_figure_numbers(collector, env):
        kept.pop(env, None)   # only the pages of the latest numbering are ever handed out
        numbering.add(env)
        try:
            return number(collector, env)
        finally:
            numbering.discard(env)

    get_doctree._house_handover = True
    BuildEnvironment.get_doctree = get_doctree
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def _use_every_core(app) -> None:
    """Read and write the pages in parallel, one process per core (jupyter-book 1 has no ``-j``)."""
    app.parallel = max(app.parallel, os.cpu_count() or 1)


# Extensions bundled with jupyter-book that do not say whether pages may be read in parallel (Sphinx then
# reads serially, with a warning). Both keep nothing per page in the environment: sphinx-multitoc-numbering
# numbers sections after reading, from the merged environment; sphinx-jupyterbook-latex sets two flags
# when the builder starts, before the reading processes are forked, and transforms each page on its own.
UNDECLARED_BUT_READ_SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def _declare_parallel_safe(app) -> None:
    for name in UNDECLARED_BUT_READ_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    _use_every_core(app)
    app.connect("builder-inited", _declare_parallel_safe)

    app.add_node(HideCodeCellNode, override=True, html=(_visit_hide_cell_input, _depart_hide_cell_input))
    app.connect("doctree-resolved", _unique_exercise_ids)
    app.connect("doctree-resolved", lambda app, doctree, docname: _note_written(app, docname))
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _fix_written_html, priority=900)  # after sphinx-external-toc's redirect (500)
    _keep_index_entries_across_builds()
    _numref_targets_read_once()
    _pages_unpickled_once_for_numbering_and_writing()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
