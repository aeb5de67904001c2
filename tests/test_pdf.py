"""The printed book: builds through xelatex with every glyph, and keeps Cyrillic and Hangul as text."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from book_paths import LATEX

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
