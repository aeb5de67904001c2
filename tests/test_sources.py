"""Sources a reader can trust: no citation points to a copy of someone else's page, and weak sources never
carry a confident row on their own.

The host lists, the exceptions and the entries kept as weak are in tests/source_policy.yml, each with a reason.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from urllib.parse import urlparse

import pandas as pd
import pytest
import yaml
from pybtex.database import parse_file

from book_paths import BIB, DATA, ROOT

POLICY = yaml.safe_load((ROOT / "tests" / "source_policy.yml").read_text(encoding="utf-8"))
EXCEPTIONS: dict[str, str] = POLICY.get("exceptions") or {}
WEAK_ENTRIES: dict[str, str] = POLICY.get("weak_entries") or {}
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RATED = [r["name"] for r in DESCRIPTOR["resources"]
         if {"sources", "confidence"} <= {f["name"] for f in r["schema"]["fields"]}]


@lru_cache(maxsize=None)
def bibliography() -> dict[str, dict[str, str]]:
    """Every entry of book/references.bib as {key: {field: value}}, persons flattened into `author`/`editor`."""
    entries = {}
    for key, entry in parse_file(str(BIB), bib_format="bibtex").entries.items():
        fields = {name.lower(): str(value) for name, value in entry.fields.items()}
        for role, persons in entry.persons.items():
            fields[role.lower()] = " and ".join(str(p) for p in persons)
        fields["type"] = entry.type.lower()
        entries[key] = fields
    return entries


def host_category(url: str, section: str) -> str | None:
    """The policy category (e.g. 'content farm') whose pattern matches the url's host, or None."""
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    for category, patterns in POLICY[section].items():
        if any(re.search(pattern, host) for pattern in patterns):
            return category
    return None


def is_weak(key: str) -> bool:
    """Wikipedia, blogs and the like, or an entry the policy keeps only as weak."""
    fields = bibliography().get(key, {})
    author = fields.get("author", "")
    return (key in WEAK_ENTRIES
            or host_category(fields.get("url", ""), "weak") is not None
            or any(re.search(rf"\b{re.escape(word)}\b", author) for word in POLICY["weak_authors"]))


def non_canonical_citations() -> list[str]:
    """Entries on a copy, mirror, Q&A site or content farm that the policy does not allow, one line each."""
    found = []
    for key, fields in sorted(bibliography().items()):
        category = host_category(fields.get("url", ""), "non_canonical")
        if category and key not in EXCEPTIONS and key not in WEAK_ENTRIES:
            found.append(f"{key}: {fields['url']} ({category})")
    return found


def confident_rows_on_weak_sources() -> list[str]:
    """Data rows whose every source is weak but whose confidence is not `low`, one line each."""
    found = []
    for name in RATED:
        frame = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
        for index, row in frame.iterrows():
            keys = [k for k in row["sources"].split(";") if k]
            if keys and all(is_weak(k) for k in keys) and row["confidence"] != "low":
                label = row.get("id") or row.get(frame.columns[0])
                found.append(f"data/{name}.csv row {index + 2} ({label}): {row['confidence']} on {';'.join(keys)}")
    return found


def test_no_citation_points_to_a_copy_mirror_qa_site_or_content_farm():
    found = non_canonical_citations()
    assert not found, (f"{len(found)} bibliography entries point to a non-canonical host; cite the publisher's "
                       "own page (or the publication itself, without a url), or justify the entry in "
                       "tests/source_policy.yml:\n" + "\n".join(found))


def test_rows_resting_only_on_weak_sources_have_low_confidence():
    found = confident_rows_on_weak_sources()
    assert not found, (f"{len(found)} rows rest only on weak sources (Wikipedia, blogs, copies kept as weak) "
                       "but are not `low`:\n" + "\n".join(found))


@pytest.mark.parametrize("section", ["exceptions", "weak_entries"])
def test_every_policy_entry_names_a_real_key_and_says_why(section):
    listed = POLICY.get(section) or {}
    unknown = sorted(set(listed) - set(bibliography()))
    assert not unknown, f"{section} in tests/source_policy.yml names keys not in the bibliography: {unknown}"
    silent = sorted(k for k, reason in listed.items() if not reason or len(str(reason).split()) < 4)
    assert not silent, f"{section}: give each a one-line reason: {silent}"


def test_exceptions_are_still_on_a_non_canonical_host():
    """An exception that no longer needs excusing should be removed, so the list stays short and true."""
    stale = sorted(k for k in EXCEPTIONS
                   if host_category(bibliography().get(k, {}).get("url", ""), "non_canonical") is None)
    assert not stale, f"exceptions no longer needed (the entry is not on a listed host): {stale}"


def test_a_citation_without_an_address_names_where_it_was_published():
    """Without a url, a reader finds the work through its publisher, journal, archive or series."""
    where = ("publisher", "journal", "institution", "howpublished", "booktitle")
    bare = sorted(k for k, f in bibliography().items()
                  if not f.get("url") and not f.get("doi") and not any(f.get(w) for w in where))
    assert not bare, f"entries with neither a url nor a publisher/journal/archive: {bare}"


def test_the_policy_recognises_the_hosts_it_was_written_for():
    """Guard the patterns themselves against a typo that would silently let a whole class through."""
    for url in ("https://wilson-center-digital-archive.dvincitest.com/document/x",
                "https://magazine-dev.thediplomat.com/2023-07/x", "https://test.history.state.gov/x",
                "http://20.210.105.67/txt/x.html", "https://en.wikipedia-on-ipfs.org/wiki/Kursk",
                "https://wikimili.com/en/Sudzha", "https://kniga-online.net/x.html",
                "https://qanda.typicalstudent.org/x", "https://www.urdupoint.com/en/world/x.html"):
        assert host_category(url, "non_canonical"), url
    for url in ("https://digitalarchive.wilsoncenter.org/document/112127", "https://history.state.gov/x",
                "https://thediplomat.com/2023/07/x", "https://tass.com/politics/1651429"):
        assert host_category(url, "non_canonical") is None, url
    assert host_category("https://en.wikipedia.org/wiki/Kursk", "weak")


def test_text_the_bibliography_parses_without_decoding_is_text_the_decoder_leaves_unchanged():
    """book/_ext/bibliography.py skips latexcodec for 'plain' fields; for every field and name of the
    .bib that it calls plain, the decoder must give the same text back (and the check must see both kinds)."""
    import codecs
    import importlib.util

    import latexcodec  # noqa: F401

    spec = importlib.util.spec_from_file_location("house_bibliography", ROOT / "book" / "_ext" / "bibliography.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts = []
    for entry in parse_file(BIB).entries.values():
        texts += [str(value) for value in entry.fields.values()]
        texts += [name for people in entry.persons.values() for person in people
                  for name in person.first_names + person.middle_names + person.last_names]
    plain = [t for t in texts if module.PLAIN_LATEX.fullmatch(t)]
    changed = [t for t in plain if codecs.decode(t, "ulatex") != t]
    assert not changed, changed[:5]
    assert 0 < len(plain) < len(texts)
    for tricky in ("a  b", "a--b", "it''s", "``x", "a~b", "50%", " a", "x?`"):
        assert not module.PLAIN_LATEX.fullmatch(tricky), tricky
