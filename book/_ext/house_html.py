"""Small fixes to the HTML that Jupyter Book 1 writes, each for a measured problem.

1. Duplicate inline scripts. With Sphinx 7.4, sphinx-thebe and sphinx-togglebutton
   add inline scripts that end up twice in ``script_files`` (once with filename
   None, once with ''), so ``const THEBE_JS_URL`` is declared twice and every page
   logs a JavaScript SyntaxError. We keep the first copy of each script.
2. No third-party requests: the thebe loader names a CDN URL; with thebe off it is
   never fetched, but we drop the inline script so the page holds no such URL.
3. Accessibility (axe-core), fixed in the written HTML because the theme and docutils
   templates are not ours:
   - the search buttons show "Search Ctrl+K" but are labelled "Search"
     (label-content-name-mismatch): drop the aria-label, so the visible text names them;
   - the primary sidebar, which holds the book title, sits outside any landmark
     (region): give it the role of a labelled complementary landmark;
   - the colour-mode button and the folded-code summaries have labels that differ from
     their visible text: keep the visible text as the name;
   - docutils writes citations as role="doc-biblioentry" inside role="list"
     (aria-required-children, aria-deprecated-role): make them list items.
"""

import re
from pathlib import Path

_FIXES = [
    (re.compile(r'(<button class="btn search-button-field search-button__button[^"]*" title="Search") aria-label="Search"'), r"\1"),
    (re.compile(r'<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'),
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="complementary" aria-label="Book navigation">'),
    (re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry"'), r'\1 role="listitem"'),
    # the colour-mode icons carry titles that become visible text unlike the button's label
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'), r"\1"),
    # folded code cells: the summary's visible text ("Show code cell source") should name it
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
]


def _fix_written_html(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        if "_static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in _FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for js in context.get("script_files", []):
        filename = getattr(js, "filename", None) or ""   # None and "" both mean inline
        attrs = getattr(js, "attributes", None) or {}
        body = attrs.get("body", "")
        if "THEBE_JS_URL" in body or "thebe" in filename:
            continue
        key = filename.split("?")[0] if filename else ("inline", body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _fix_written_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
