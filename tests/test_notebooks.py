"""Every chapter in the table of contents executes from top to bottom, offline, without error."""

from __future__ import annotations

import pytest

from book_paths import ROOT, execute_notebook, notebooks

NOTEBOOKS = notebooks()


def test_there_are_notebooks_to_run():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_without_error_or_writing_data(path):
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*") if p.is_file()}
    nb, _ = execute_notebook(path)
    after = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert before == after, "the notebook wrote into data/"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    stderr = [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "stream" and o.get("name") == "stderr"]
    assert not stderr, f"{path.name} wrote to stderr: {stderr[:2]}"
