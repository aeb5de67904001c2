"""The website: builds with zero warnings, every figure is described, every link works, nothing comes from elsewhere."""

from __future__ import annotations

import sys

import pytest

from book_paths import BUILD, HTML, ROOT, notebooks
from site_checks import (broken_links, browser_available, browser_report, html_validity, page_weights, pages,
                         third_party_resources, validator_available)

PAGE_BUDGET = 800 * 1024   # bytes of HTML, scripts, styles and images one page makes the browser download

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


def test_intro_lists_every_era_of_the_data_and_links_the_written_chapters(html_build):
    from evidence import load

    intro = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    written = {int(p.name[:2]): p.stem for p in (ROOT / "book" / "eras").glob("[0-9][0-9]-*.md")}
    for era in load("eras").itertuples():
        question = era.central_question.replace("'", "&#8217;")
        assert f"{era.start.year}–{era.end.year}" in intro and era.title.split(",")[0] in intro, era.id
        if era.number in written:
            assert f'href="eras/{written[era.number]}.html"' in intro, f"era {era.number} is not linked to its chapter"


def test_every_page_weighs_at_most_800_kib(html_build):
    weights = page_weights(pages())
    heavy = {page: f"{w['total'] / 1024:.0f} KiB ({w})" for page, w in weights.items() if w["total"] > PAGE_BUDGET}
    assert not heavy, heavy
    assert max(w["total"] for w in weights.values()) > 200 * 1024, "page weights look too small to be real"


def test_pages_load_no_icon_script_and_search_only_where_it_runs(html_build):
    for path, page in pages().items():
        scripts = " ".join(page.resources)
        assert "fontawesome.js" not in scripts, path
        if path.name != "search.html" and not page.redirect:
            assert "searchindex.js" not in scripts, path
    search = (HTML / "search.html").read_text(encoding="utf-8")
    assert "searchindex.js" in search and "searchtools.js" in search


def test_pages_load_one_stylesheet_no_blocking_script_and_fonts_that_hold_their_icons(html_build):
    """The first paint on a phone waits for every stylesheet and plain script in <head> (Lighthouse)."""
    import re

    from fontTools.ttLib import TTFont

    for path, page in pages().items():
        if page.redirect:
            continue
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        sheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*>', head)
        assert len(sheets) == 1 and "house-bundle.css" in sheets[0], f"{path.name}: {sheets}"
        if path.name == "search.html":   # the search scripts keep Sphinx's own order of loading
            continue
        blocking = re.findall(r'<script (?![^>]*\b(?:defer|async)\b)[^>]*\bsrc="([^"]+)"', head)
        assert not blocking, f"{path.name}: scripts that block the first paint: {blocking}"
    bundle = (HTML / "_static" / "house-bundle.css").read_text(encoding="utf-8")
    targets = [u for u in re.findall(r"url\(([^)\"']+)\)", bundle) if not u.startswith("data:")]
    assert targets and all((HTML / "_static" / u).is_file() for u in targets), targets
    icons = {ord(c) for c in bundle if 0xE000 <= ord(c) <= 0xF8FF}
    fonts = [u for u in targets if u.endswith((".woff", ".woff2", ".ttf"))]
    held = set().union(*(TTFont(HTML / "_static" / u).getBestCmap() for u in fonts))
    assert len(icons) >= 10 and not icons - held, f"icons no font holds: {sorted(map(hex, icons - held))}"


def test_every_image_of_the_site_is_shown_by_a_page(html_build):
    """An image no page shows is a leftover of an earlier drawing (house_html._drop_unused_images)."""
    import re

    shown = {name for page in HTML.rglob("*.html")
             for name in re.findall(r'_images/([^"\'\s)?#]+)', page.read_text(encoding="utf-8"))}
    images = {path.name for path in (HTML / "_images").iterdir()}
    assert len(images) >= 50
    assert not images - shown, f"images no page shows: {sorted(images - shown)[:5]}"


def test_the_environment_does_not_hold_the_pages_again(html_build):
    """sphinx-exercise keeps a node for every exercise and solution in the environment. Each must be cut
    loose from its page (editions._detach_exercise_nodes): a node still tied to its page pickles the
    whole page with it, and the environment that every build unpickles doubled in size."""
    import pickle

    from conftest import no_build_running

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    with no_build_running():   # the PDF build shares the environment file
        env = pickle.loads((BUILD / ".doctrees" / "environment.pickle").read_bytes())
    registry = env.sphinx_exercise_registry
    assert len(registry) >= 2 * 3 * 10, "fewer exercises and solutions than ten chapters of three"
    tied = [label for label, entry in registry.items()
            if entry["node"].parent is not None or any(n._document is not None for n in entry["node"].findall())]
    assert not tied, f"registry nodes still tied to their pages: {tied[:5]}"


def test_every_page_has_a_meta_description(html_build):
    for path, page in pages().items():
        if page.redirect or path.name in ("search.html", "genindex.html"):
            continue
        text = path.read_text(encoding="utf-8")
        assert '<meta name="description" content="' in text, path


@pytest.mark.skipif(not validator_available(), reason="needs Java and `make browser-tools` (vnu-jar)")
def test_html_is_valid_by_the_nu_checker(html_build):
    errors = html_validity()
    assert not errors, "\n".join(f"{e['file']}:{e['line']}: {e['message']}" for e in errors[:20])


@pytest.mark.skipif(not browser_available(), reason="needs Debian chromium and `make browser-tools`")
def test_pages_in_a_browser(html_build, browser):
    """axe-core in four modes (light, dark, a 390 px phone, everything unfolded), console errors, outside requests."""
    problems = {}
    for page, modes in browser["pages"].items():
        for mode, result in modes.items():
            if result["violations"] or result["consoleErrors"] or result["failed"]:
                problems[f"{page} ({mode})"] = {k: result[k] for k in ("violations", "consoleErrors", "failed")}
    assert not problems, problems
    assert set(browser["violationsByMode"]) == {"light", "dark", "phone", "opened"}
    assert browser["external"] == []


@pytest.mark.skipif(not browser_available(), reason="needs Debian chromium and `make browser-tools`")
def test_no_page_scrolls_sideways_on_a_phone_or_clips_a_table_header(html_build, browser):
    sideways = {page: modes["phone"]["sideways"] for page, modes in browser["pages"].items() if modes["phone"]["sideways"] > 0}
    clipped = {page: modes["light"]["clippedHeaders"] for page, modes in browser["pages"].items() if modes["light"]["clippedHeaders"]}
    assert not sideways, f"pages wider than a 390 px screen (px too wide): {sideways}"
    assert not clipped, f"table headers cut off at 1280 px: {clipped}"


@pytest.mark.skipif(not browser_available(), reason="needs Debian chromium and `make browser-tools`")
def test_the_navigation_opens_on_a_phone_with_the_table_of_contents(html_build, browser):
    nav = browser["navigation"]
    assert nav["opened"], "the menu button did not open the navigation at 390 px"
    assert nav["tocLinks"] >= 5, f"the open navigation shows {nav['tocLinks']} links"
    assert nav["focusInside"], "keyboard focus did not move into the open navigation"
    assert nav["closedByEscape"], "Escape did not close the navigation"


@pytest.mark.skipif(not browser_available(), reason="needs Debian chromium and `make browser-tools`")
def test_every_control_shows_a_focus_ring(html_build, browser):
    focus = browser["focus"]
    assert not focus["missing"], f"controls without a visible focus ring: {focus['missing']}"
    assert focus["lostToBody"] == 0, "keyboard focus fell back to <body> while tabbing"


@pytest.mark.skipif(not browser_available(), reason="needs Debian chromium and `make browser-tools`")
def test_the_site_archive_works_opened_from_disk_search_included(html_build, tmp_path):
    import json
    import os
    import subprocess
    import zipfile

    made = subprocess.run(["make", "--no-print-directory", "site-archive"], cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    with zipfile.ZipFile(ROOT / "_build" / "site.zip") as archive:
        archive.extractall(tmp_path)
    site = tmp_path / "moscow-pyongyang"
    assert (site / "index.html").is_file() and (site / "data" / "events.csv").is_file()
    script = ROOT / "tests" / "browser" / "search_from_disk.js"
    run = subprocess.run(["node", str(script), str(site), "Shtykov"], capture_output=True, text=True, timeout=180,
                         env=dict(os.environ, NODE_PATH=str(ROOT / "tests" / "browser" / "node_modules")))
    report = json.loads(run.stdout)
    assert report["results"] >= 1, report
    assert not report["errors"] and not report["outside"], report
