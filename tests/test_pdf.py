"""The printed book: builds through xelatex with every glyph, and keeps Cyrillic and Hangul as text."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from book_paths import LATEX, toc_files

pytestmark = pytest.mark.slow


def test_pdf_builds(pdf_build):
    assert pdf_build.returncode == 0, (pdf_build.stdout + pdf_build.stderr)[-4000:]
    assert (LATEX / "book.pdf").stat().st_size > 50_000


def test_latex_log_reports_no_missing_character(pdf_build):
    log = (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
    assert not missing, f"glyphs missing from the PDF: {missing[:20]}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_text_keeps_cyrillic_and_hangul(pdf_build, tmp_path):
    out = tmp_path / "book.txt"
    subprocess.run(["pdftotext", str(LATEX / "book.pdf"), str(out)], check=True)
    text = out.read_text(encoding="utf-8")
    assert "Советский Союз" in text
    assert "조선민주주의인민공화국" in text
    assert "김일성" in text and "Штыков" in text


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils is not installed")
def test_pdf_has_every_figure(pdf_build, html_build):
    listing = subprocess.run(["pdfimages", "-list", str(LATEX / "book.pdf")], capture_output=True, text=True, check=True)
    rows = [line.split() for line in listing.stdout.strip().splitlines()[2:]]
    images = sum(1 for row in rows if len(row) > 2 and row[2] == "image")   # not the alpha masks ("smask")
    html = LATEX.parent / "html"
    html_figures = sum(len(re.findall(r'<img [^>]*src="[^"]*_images/', page.read_text(encoding="utf-8")))
                       for page in html.rglob("*.html") if "_static" not in page.parts)
    assert images >= html_figures >= 3, f"{images} images in the PDF, {html_figures} figures on the site"


def _pdf_text(tmp_path) -> str:
    out = tmp_path / "book.txt"
    subprocess.run(["pdftotext", str(LATEX / "book.pdf"), str(out)], check=True)
    return out.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_no_text_runs_past_the_margins(pdf_build, tmp_path):
    """Every word lies inside the text block (1 in margins on A4) give or take 6 pt: a box title set on
    one line, a table too wide for its columns or a row pushed past the footer shows up here."""
    out = tmp_path / "words.html"
    subprocess.run(["pdftotext", "-bbox", str(LATEX / "book.pdf"), str(out)], check=True)
    outside = []
    for number, page in enumerate(re.split(r"<page ", out.read_text(encoding="utf-8"))[1:], 1):
        width, height = (float(re.search(rf'{name}="([\d.]+)"', page).group(1)) for name in ("width", "height"))
        for x0, _, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            if float(x0) < 72 - 6 or float(x1) > width - 72 + 6 or float(y1) > height - 30:
                outside.append(f"page {number}: {word}")
    assert not outside, f"text outside the text block: {outside[:10]}"


def _caption_start(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", text).split())[:48]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_website_numbers_each_figure_as_the_pdf_does(pdf_build, html_build, tmp_path):
    """A class with the PDF and a class with the website must mean the same figure by "Fig. 2.3"."""
    html = LATEX.parent / "html"
    online: dict[str, list[str]] = {}
    for page in html.rglob("*.html"):
        for number, caption in re.findall(r'caption-number">Fig\. ([0-9A-Z.]+) </span><span class="caption-text">(.{0,600})',
                                          page.read_text(encoding="utf-8")):
            online.setdefault(_caption_start(caption), []).append(number)
    printed: dict[str, list[str]] = {}
    for number, caption in re.findall(r"^Fig\. ([0-9A-Z.]+): (.*)$", _pdf_text(tmp_path), re.MULTILINE):
        printed.setdefault(_caption_start(caption), []).append(number)
    # a caption is matched by its first words; the few that two figures share say nothing
    online = {caption: numbers[0] for caption, numbers in online.items() if len(numbers) == 1}
    printed = {caption: numbers[0] for caption, numbers in printed.items() if len(numbers) == 1}
    both = online.keys() & printed.keys()
    assert len(both) >= 0.8 * len(online) >= 40, f"only {len(both)} of {len(online)} captions found in both"
    differ = {caption: (online[caption], printed[caption]) for caption in both if online[caption] != printed[caption]}
    assert not differ, f"figure numbers (website, PDF) that differ: {differ}"
    assert {"2.1", "10.1", "A.1"} <= set(online.values())


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_pdf_has_a_plausible_number_of_pages(pdf_build):
    info = subprocess.run(["pdfinfo", str(LATEX / "book.pdf")], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    chapters = sum(1 for p in toc_files() if p.parent.name == "eras")
    assert 60 + 25 * chapters <= pages <= 150 + 60 * chapters, f"{pages} pages for {chapters} chapters"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_every_font_is_embedded(pdf_build):
    listing = subprocess.run(["pdffonts", str(LATEX / "book.pdf")], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.strip().splitlines()[2:]]
    assert rows, "pdffonts lists no font"
    not_embedded = [row[0] for row in rows if "no" in row[-5:-3]]   # the emb column
    assert not not_embedded, not_embedded
    assert any("NotoSerifCJK" in row[0] for row in rows), "no CJK font: Hangul would be missing"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_every_chapter_is_printed_with_its_era_number_and_its_solutions_at_the_end(pdf_build, tmp_path):
    text = _pdf_text(tmp_path)
    for path in toc_files():
        if path.parent.name != "eras":
            continue
        title = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), flags=re.M).group(1)
        number = int(path.name[:2])
        assert title.upper() in text or title in text, f"{path.name}: title not in the PDF"
        assert re.search(rf"^{number}\.1 Learning objectives", text, flags=re.M), f"{path.name} is not chapter {number}"
        if "{solution" in path.read_text(encoding="utf-8"):
            assert re.search(rf"^{number}\.\d+ Worked solutions", text, flags=re.M), f"{path.name}: no worked solutions section"
    assert "Bibliography" in text and "Glossary" in text and "Index" in text
