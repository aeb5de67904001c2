"""The website: builds with zero warnings, every figure is described, every link works, nothing comes from elsewhere."""

from __future__ import annotations

import pytest

from book_paths import HTML, ROOT, notebooks
from site_checks import broken_links, browser_available, browser_report, pages, third_party_resources

pytestmark = pytest.mark.slow


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
    site = pages()
    figures = 0
    for path, page in site.items():
        for img in page.images:
            if "logo" in img.get("class", "") or "_static" in img.get("src", ""):
                continue
            figures += 1
            alt = img.get("alt", "")
            assert len(alt) >= 40, f"{path.name}: image {img.get('src')} has no real alt text ({alt!r})"
    assert figures >= 3
    chapter = HTML / "book" / "eras" / "02-korean-war-1950-1953.html"
    assert site[chapter].captions >= 3


def test_no_page_refers_to_another_server_for_what_it_loads(html_build):
    offenders = third_party_resources(pages())
    assert not offenders, "\n".join(offenders[:20])


def test_every_internal_link_and_anchor_resolves(html_build):
    broken = broken_links(pages())
    assert not broken, "\n".join(broken[:30])


def test_solutions_are_folded_in_the_exercises(html_build):
    page = (HTML / "book" / "eras" / "02-korean-war-1950-1953.html").read_text(encoding="utf-8")
    solutions = page.count('class="solution')
    assert solutions >= 4
    assert solutions == page.count('class="solution dropdown')


@pytest.mark.skipif(not browser_available(), reason="needs Debian chromium and `make browser-tools`")
def test_pages_in_a_browser_have_no_accessibility_violations_or_outside_requests(html_build):
    report = browser_report(pages())
    problems = {page: result for page, result in report["pages"].items()
                if result["violations"] or result["consoleErrors"] or result["failed"]}
    assert not problems, problems
    assert report["external"] == []
