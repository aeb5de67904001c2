"""The website: builds with zero warnings, every figure is described, every link works, nothing is fetched from elsewhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from book_paths import HTML, ROOT, notebooks

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("build")]


class _Page(HTMLParser):
    """Collects what the tests need from one HTML page: ids, links, resources, images, figures."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.resources, self.images, self.captions = set(), [], [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe", "source", "video", "audio") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "next", "prev"):
            self.resources.append(a["href"])
        if tag == "img":
            self.images.append(a)
        if tag == "figcaption":
            self.captions += 1


def _pages() -> dict[Path, _Page]:
    pages = {}
    for path in sorted(HTML.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages[path] = page
    return pages


def test_html_build_has_zero_warnings(html_build):
    output = html_build.stdout + html_build.stderr
    assert html_build.returncode == 0, output[-4000:]
    warnings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)
    assert "build succeeded" in output


def test_every_chapter_has_a_page(html_build):
    for nb in notebooks():
        rel = nb.relative_to(ROOT).with_suffix(".html")
        assert (HTML / rel).is_file(), rel


def test_every_figure_has_alt_text_and_a_caption(html_build):
    pages = _pages()
    figures = 0
    for path, page in pages.items():
        for img in page.images:
            if "logo" in img.get("class", "") or img.get("src", "").startswith("_static"):
                continue
            figures += 1
            alt = img.get("alt", "")
            assert len(alt) >= 40, f"{path.name}: image {img.get('src')} has no real alt text ({alt!r})"
    assert figures >= 3
    chapter = HTML / "book" / "eras" / "02-korean-war-1950-1953.html"
    assert pages[chapter].captions >= 2


def test_no_page_loads_anything_from_another_server(html_build):
    offenders = []
    for path, page in _pages().items():
        for url in page.resources:
            if re.match(r"^(https?:)?//", url) and not re.match(r"^https?://(127\.0\.0\.1|localhost)", url):
                offenders.append(f"{path.relative_to(HTML)}: {url}")
    assert not offenders, "\n".join(offenders[:20])


def test_every_internal_link_and_anchor_resolves(html_build):
    pages = _pages()
    broken = []
    for path, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "//", "javascript:")):
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(HTML)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if parts.fragment not in ids:
                    broken.append(f"{path.relative_to(HTML)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_solutions_are_folded_in_the_exercises(html_build):
    page = (HTML / "book" / "eras" / "02-korean-war-1950-1953.html").read_text(encoding="utf-8")
    assert page.count('class="admonition solution') == page.count('class="admonition solution dropdown')
    assert page.count("exercise-") >= 3
