"""The epilogue grades every claim of the news explainer, and links the chapters that give the evidence.

The grades live in data/news_claims.csv; the epilogue (book/epilogue.md) draws its table and chart from
them. These tests read the sources only, so they run in seconds. The epilogue is not in book/eras, so
tests/test_chapters.py does not pick it up: the last test holds it to the same standard.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import test_chapters as chapter_standard
from book_paths import BOOK, ROOT
from evidence import load

EPILOGUE = BOOK / "epilogue.md"
GRADES = {"supported", "partly supported", "contradicted", "not verifiable"}
CLAIM_IDS = [f"C{n:02d}" for n in range(1, 15)]


@pytest.fixture(scope="module")
def claims():
    return load("news_claims")


def named_chapters(claims) -> list[str]:
    """Every docname in the chapter column (semicolon-separated), in order of first mention."""
    return list(dict.fromkeys(name for cell in claims["chapter"] for name in cell.split(";")))


def linked_docnames(text: str, page: Path = EPILOGUE) -> set[str]:
    """The docnames (relative to the repository root, without suffix) that {doc} roles in ``text`` point to."""
    found = set()
    for match in re.finditer(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", text):
        target = match.group(1).strip()
        path = (ROOT / target.lstrip("/")) if target.startswith("/") else (page.parent / target)
        found.add(path.resolve().relative_to(ROOT.resolve()).as_posix())
    return found


def test_every_claim_is_there_once_with_one_of_the_four_grades(claims):
    assert sorted(claims["id"]) == CLAIM_IDS
    assert claims["id"].is_unique
    wrong = claims[~claims["grade"].isin(GRADES)]
    assert wrong.empty, wrong[["id", "grade"]].to_string()


def test_every_claim_says_why_and_on_what_evidence(claims):
    for row in claims.itertuples():
        assert len(row.evidence) >= 80, f"{row.id}: the evidence column is too short to explain a grade"
        assert row.sources.strip(), f"{row.id}: no sources"
        assert row.year_start <= row.year_end, f"{row.id}: years run backwards"


def test_every_chapter_named_exists_and_is_in_the_table_of_contents(claims):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for name in named_chapters(claims):
        assert (ROOT / f"{name}.md").is_file(), f"news_claims.csv names a chapter that does not exist: {name}"
        assert f"file: {name}\n" in toc, f"{name} is not in _toc.yml"


def test_the_epilogue_links_every_chapter_named(claims):
    linked = linked_docnames(EPILOGUE.read_text(encoding="utf-8"))
    missing = [name for name in named_chapters(claims) if name not in linked]
    assert not missing, f"the epilogue has no {{doc}} link to {missing}"


def test_the_link_reader_sees_relative_and_absolute_targets():
    text = "{doc}`era 9 <eras/09-alliance-2022-2024>` and {doc}`</book/eras/01-liberation-1945-1949>`"
    assert linked_docnames(text) == {"book/eras/09-alliance-2022-2024", "book/eras/01-liberation-1945-1949"}


def test_the_epilogue_draws_its_grades_from_the_data():
    text = EPILOGUE.read_text(encoding="utf-8")
    assert 'load("news_claims")' in text
    assert 'source_line(fig, "news_claims")' in text and 'source_line(fig, "deployments")' in text


def test_the_epilogue_is_its_own_part_right_after_the_eras():
    parts = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
    captions = [part["caption"] for part in parts]
    assert captions.index("Epilogue") == captions.index("Eras") + 1
    epilogue = parts[captions.index("Epilogue")]
    assert [c["file"] for c in epilogue["chapters"]] == ["book/epilogue"]


@pytest.mark.parametrize("check", [
    "test_sections_are_all_there_in_order",
    "test_at_least_two_figures_with_caption_alt_text_and_source_line",
    "test_figures_are_referred_to_by_number",
    "test_imports_are_visible_at_the_top",
    "test_a_primary_source_with_its_provenance",
    "test_three_exercises_each_with_a_worked_solution",
    "test_teacher_notes_with_lesson_plans_rubric_and_vocabulary",
    "test_self_check_questions_with_folded_answers",
    "test_key_terms_are_in_the_glossary",
])
def test_the_epilogue_meets_the_chapter_standard(check):
    getattr(chapter_standard, check)(EPILOGUE)
