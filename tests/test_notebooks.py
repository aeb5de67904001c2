"""Every chapter in the table of contents executes from top to bottom, offline, without error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


sys.path.insert(0, str(ROOT / "book" / "_ext"))
import execution  # noqa: E402
import kernel_server  # noqa: E402

# The build runs the chapters in kernels forked from a server that has already imported their stack
# (book/_ext/kernel_server.py). A forked kernel must start as an ordinary one does, or the site would
# show outputs a class never sees.
PROBE = """\
import os, sys, json
import matplotlib, pandas as pd
from IPython import get_ipython
from ipykernel.kernelapp import IPKernelApp
state = {
    "cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0],
    "environ": sorted(k for k in os.environ if k not in ("JPY_PARENT_PID",)),
    "parent_handle_set": bool(IPKernelApp.instance().parent_handle),
    "shell": type(get_ipython()).__name__,
    "backend": matplotlib.get_backend(),
    "rc": {k: str(v) for k, v in matplotlib.rcParams.items()},
    "pandas": {k: str(pd.get_option("display." + k)) for k in ("max_columns", "width", "max_rows", "precision")},
}
print(json.dumps(state, sort_keys=True))
"""


def _run(nb, cwd: Path, forked: bool):
    from jupyter_cache.executors.utils import single_nb_execution

    extra = {"kernel_manager_class": kernel_server.manager_class()} if forked else {}
    result = single_nb_execution(nb, cwd=str(cwd), allow_errors=False, timeout=60, meta_override=True,
                                 shutdown_kernel="immediate", **extra)
    assert result.err is None, result.exc_string
    return [(c.get("outputs"), c.source) for c in nb.cells if c.cell_type == "code"]


def test_a_forked_kernel_starts_as_an_ordinary_one_and_gives_the_same_outputs():
    import copy

    import nbformat

    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # era 1 prints tables as text as well as drawing charts and a map
    chapter = next(p for p in NOTEBOOKS if p.name.startswith("01-"))
    cases = [(probe, ROOT / "book" / "eras"), (execution.read(chapter), chapter.parent)]
    ordinary = [_run(copy.deepcopy(nb), cwd, forked=False) for nb, cwd in cases]
    with kernel_server.running():
        assert os.environ.get(kernel_server.SOCKET_ENV), "the kernel server did not start"
        forked = [_run(copy.deepcopy(nb), cwd, forked=True) for nb, cwd in cases]
    assert forked[0] == ordinary[0], "a forked kernel starts in another state than an ordinary one"
    assert forked[1] == ordinary[1], f"{chapter.name}: a forked kernel gives other outputs than an ordinary one"
