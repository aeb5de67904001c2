"""The bibliography: titles as written, and formatted once, not on every build.

Titles: pybtex's standard styles put every article title in sentence case, which lowercases proper
names ("Putin and kim jong un's mutual defense pact"). The ``house`` style, the book's
``bibtex_default_style``, prints titles as they are written in ``book/references.bib``.

Formatting once:

sphinxcontrib-bibtex formats every entry of every bibliography each time Sphinx finishes reading,
even when nothing changed (``BibtexDomain.env_updated`` calls ``get_formatted_entries``), so a
no-change rebuild grew with the number of entries (about 1,200 pybtex format calls for 600 entries).
The formatted entries depend only on the .bib files, the bibliography's own options and which
entries it lists; this keeps them in the Sphinx environment under a key made of exactly those, so
they are formatted again when, and only when, one of them changes.

Choosing the entries: to decide which entries a bibliography lists (``:filter: cited``), the
domain scans every citation of the book once per entry of the .bib files, so the choice grew with
entries times citations (about 1 s of every no-change rebuild at 560 entries and 1,900 citations).
``get_filtered_entries`` below gives the same answer from one pass over the citations.

Formatting half as much: with no separate tooltip style, sphinxcontrib-bibtex formats each entry a
second time, with the same style, for its tooltip; the first result serves for both.

``FORMAT_CALLS`` counts the real formatting runs of this process (``make bench`` reports it).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FORMAT_CALLS = {"bibliographies": 0}


def _digest(paths) -> str:
    sha = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        sha.update(path.encode())
        sha.update(Path(path).read_bytes())
    return sha.hexdigest()


def _register_house_style() -> None:
    import pybtex.plugin
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.template import field, sentence

    class HouseStyle(Plain):
        """The plain style, with titles as written (no change of case)."""

        def format_title(self, e, which_field, as_sentence=True):
            title = field(which_field)
            return sentence[title] if as_sentence else title

    pybtex.plugin.register_plugin("pybtex.style.formatting", "house", HouseStyle)


def get_filtered_entries(self, bibliography_key):
    """``BibtexDomain.get_filtered_entries`` (sphinxcontrib-bibtex 2.6), with the documents that cite
    each key collected in one pass over the citations instead of one pass per entry."""
    from sphinxcontrib.bibtex.domain import _FilterVisitor, logger

    cited_in: dict[str, set[str]] = {}
    for citation_ref in self.citation_refs:
        for key in {target.key for target in citation_ref.targets}:
            cited_in.setdefault(key, set()).add(citation_ref.docname)
    bibliography = self.bibliographies[bibliography_key]
    for entry in self.get_entries(bibliography.bibfiles):
        key = bibliography.keyprefix + entry.key
        cited_docnames = cited_in.get(key, set())
        visitor = _FilterVisitor(entry=entry, docname=bibliography_key.docname, cited_docnames=cited_docnames)
        try:
            success = visitor.visit(bibliography.filter_)
        except ValueError as err:
            logger.warning("syntax error in :filter: expression; %s" % err,
                           location=(bibliography_key.docname, bibliography.line),
                           type="bibtex", subtype="filter_syntax_error")
            success = bool(cited_docnames)
        if success or entry.key in bibliography.keys:
            yield key, entry


def _remember_plugins() -> None:
    """pybtex looks a plugin up among the installed packages' entry points every time it is asked,
    and sphinxcontrib-bibtex asks for the backend and the styles at every citation it resolves:
    about 900 scans of every installed distribution's metadata in a clean build of this book
    (several seconds). A plugin found once is the same plugin for the rest of the build."""
    import functools

    import pybtex.plugin

    if not hasattr(pybtex.plugin._load_entry_point, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(pybtex.plugin._load_entry_point)


# Text that the LaTeX decoder returns unchanged: no backslash, brace, tilde, dollar, percent, ampersand,
# hash, underscore or caret; no `` or '' or -- (quotes and dashes); no ?` or !`; no space at the start
# or doubled (the decoder drops or merges them). Checked against the decoder on every field of the .bib
# in tests/test_data.py.
PLAIN_LATEX = re.compile(r"(?! )(?:[^\\{}~$%&#_^`'\-!?\s]|(?<!-)-(?!-)|(?<!')'(?!')|[!?](?!`)| (?! ))*")


def _skip_decoding_plain_text() -> None:
    """pybtex runs every field and name through latexcodec's decoder each time it formats an entry
    (13,000 decodings, seconds of a clean build), though four fields in five contain no LaTeX at all.
    Those are parsed as they are; the rest go through the decoder as before."""
    from pybtex.markup import LaTeXParser
    from pybtex.richtext import Text

    original = Text.from_latex.__func__
    if getattr(original, "_house", False):
        return

    def from_latex(cls, latex):
        if PLAIN_LATEX.fullmatch(latex):
            return LaTeXParser(latex).parse()
        return original(cls, latex)

    from_latex._house = True
    Text.from_latex = classmethod(from_latex)


def setup(app):
    from sphinxcontrib.bibtex.domain import BibtexDomain

    _register_house_style()
    _remember_plugins()
    _skip_decoding_plain_text()

    original = BibtexDomain.get_formatted_entries
    if getattr(original, "_cached", False):
        return {"parallel_read_safe": True, "parallel_write_safe": True}

    def get_formatted_entries(self, bibliography_key, docnames, tooltips, tooltips_style):
        bibliography = self.bibliographies[bibliography_key]
        listed = tuple(key for key, _ in self.get_sorted_entries(bibliography_key, docnames))
        key = (_digest(self.bibdata.bibfiles), bibliography_key, bibliography.style, bibliography.labelprefix,
               listed, bool(tooltips), tooltips_style)
        cache = getattr(self.env, "house_bibtex_cache", None)
        if cache is None:
            cache = self.env.house_bibtex_cache = {}
        if key not in cache:
            FORMAT_CALLS["bibliographies"] += 1
            if len(cache) > 32:   # old keys of edited .bib files: keep the cache small
                cache.clear()
            if tooltips and not tooltips_style:
                # The tooltip would be the same entry formatted by the same style a second time (half of
                # all formatting): format once and use it for both. (An entry with a missing field, whose
                # tooltip would be empty, cannot reach a finished build: the warning fails it under -W.)
                cache[key] = [(entry, formatted, formatted) for entry, formatted, _ in
                              original(self, bibliography_key, docnames, False, tooltips_style)]
            else:
                cache[key] = list(original(self, bibliography_key, docnames, tooltips, tooltips_style))
        return iter(cache[key])

    get_formatted_entries._cached = True
    BibtexDomain.get_formatted_entries = get_formatted_entries
    BibtexDomain.get_filtered_entries = get_filtered_entries
    return {"parallel_read_safe": True, "parallel_write_safe": True}
