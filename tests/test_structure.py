"""The book's shape: the table of contents and the files agree; notebooks are real notebooks."""

from __future__ import annotations

import re

import jupytext

from book_paths import BOOK, ROOT, notebooks, toc_files
from evidence import load

CONTENT = {".md", ".ipynb", ".rst"}


def test_every_toc_entry_exists():
    missing = [str(p.relative_to(ROOT)) for p in toc_files() if not p.is_file()]
    assert not missing, missing


def test_every_book_file_is_in_the_toc():
    in_toc = {p.resolve() for p in toc_files()}
    stray = [str(p.relative_to(ROOT)) for p in BOOK.rglob("*")
             if p.suffix in CONTENT and p.resolve() not in in_toc and not any(part.startswith(("_", ".")) for part in p.relative_to(BOOK).parts)]
    assert not stray, f"not in _toc.yml: {stray}"


def test_no_stray_content_in_hidden_or_underscore_folders():
    hidden = [str(p.relative_to(ROOT)) for p in BOOK.rglob("*") if p.suffix in CONTENT
              and any(part.startswith(("_", ".")) for part in p.relative_to(BOOK).parts)]
    assert not hidden, hidden


def test_chapters_have_the_full_jupytext_header():
    for path in notebooks():
        head = path.read_text(encoding="utf-8").split("---")[1]
        for key in ("text_representation:", "extension: .md", "format_name: myst", "kernelspec:", "name: python3"):
            assert key in head, f"{path.name}: header lacks {key}"
        nb = jupytext.read(path)  # format sniffed from the header, as JupyterLab would
        assert any(c.cell_type == "code" for c in nb.cells), f"{path.name}: jupytext finds no code cells"


def glossary_variants() -> dict[str, str]:
    """The spellings the glossary rules out: each 'Also written: A, B.' in a definition, mapped to its term."""
    variants, term = {}, None
    for line in (BOOK / "reference" / "glossary.md").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "`", ":", "#")):
            term = line.strip()
        found = re.search(r"Also written:? ([^.]+)\.", line)
        if found and term:
            for variant in found.group(1).split(","):
                variants[variant.strip().strip("*")] = term
    return variants


def _outside_quotes_titles_and_code(text: str) -> str:
    """Text where a variant spelling is an error: not inside quotation marks, italics (titles), code or roles."""
    text = re.sub(r"```.*?```|~~~.*?~~~", " ", text, flags=re.S)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`|`[^`]*`", " ", text)          # roles and inline code
    text = re.sub(r'"[^"\n]*"|“[^”]*”|\*[^*\n]+\*', " ", text)       # quotations and italic titles
    return re.sub(r"https?://\S+", " ", text)


def test_every_glossary_definition_is_one_paragraph():
    """A second indented paragraph belongs to the term above it: a definition left behind by an edit
    (Khrushchev's, once, under Dmitry Medvedev) would be read as part of another term's entry."""
    lines = (BOOK / "reference" / "glossary.md").read_text(encoding="utf-8").splitlines()
    strays = [number + 1 for number, line in enumerate(lines)
              if line.startswith("  ") and number > 1 and not lines[number - 1].strip() and lines[number - 2].startswith("  ")]
    assert not strays, f"glossary.md: a second paragraph under one term at line(s) {strays}"


def test_glossary_lists_spelling_variants():
    variants = glossary_variants()
    assert variants.get("Kim Il Sung") == "Kim Il-sung" and "Kim Il-Sung" in variants


def test_no_chapter_uses_a_spelling_the_glossary_rules_out():
    variants = glossary_variants()
    offenders = []
    for path in toc_files():
        if path.name == "glossary.md" or not path.is_file():
            continue
        prose = _outside_quotes_titles_and_code(path.read_text(encoding="utf-8"))
        for variant, term in variants.items():
            if re.search(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", prose):
                offenders.append(f"{path.relative_to(ROOT)}: '{variant}' (the glossary spells it '{term}')")
    assert not offenders, "\n".join(offenders)


def test_the_spelling_check_catches_a_variant():
    assert re.search(r"(?<![\w-])Kim Il Sung(?![\w-])", _outside_quotes_titles_and_code("In 1950 Kim Il Sung asked."))
    assert not re.search(r"Kim Il Sung", _outside_quotes_titles_and_code('Weathersby, "Stalin, Kim Il Sung, and the War"'))


def test_data_is_the_only_data_package():
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "*datapackage.json"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked == ["data/datapackage.json"], tracked


def test_eras_are_in_the_toc_in_the_order_of_eras_csv():
    """Readers follow the eras in time: the table of contents lists the chapters in data/eras.csv order."""
    in_toc = [p.name for p in toc_files() if p.parent.name == "eras"]
    numbers = [int(name.split("-")[0]) for name in in_toc]
    expected = sorted(int(n) for n in load("eras")["number"])
    assert numbers == expected, f"_toc.yml lists the eras as {numbers}, data/eras.csv numbers them {expected}"
