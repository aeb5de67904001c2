"""Small fixes to the HTML that Jupyter Book 1 writes, each for a measured problem.

1. Duplicate inline scripts. With Sphinx 7.4, sphinx-thebe and sphinx-togglebutton
   add inline scripts that end up twice in ``script_files`` (once with filename
   None, once with ''), so ``const THEBE_JS_URL`` is declared twice and every page
   logs a JavaScript SyntaxError. We keep the first copy of each script.
2. No third-party requests: the thebe loader names a CDN URL; with thebe off it is
   never fetched, but we drop the inline script so the page holds no such URL.
"""


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
