"""Shared fixtures. The book and the PDF are built once per test run, whichever worker asks first."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_paths import ROOT  # noqa: E402

JB = str(Path(sys.executable).with_name("jupyter-book"))

# Same environment as `make`: a matplotlib cache that sees fonts-noto-cjk, and a quiet IPython kernel.
os.environ.setdefault("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))
os.environ.setdefault("IPYTHONDIR", str(ROOT / ".cache" / "ipython"))
_kernel_config = Path(os.environ["IPYTHONDIR"]) / "profile_default" / "ipython_kernel_config.py"
if not _kernel_config.exists():
    _kernel_config.parent.mkdir(parents=True, exist_ok=True)
    _kernel_config.write_text('c.IPKernelApp.log_level = "ERROR"\n', encoding="utf-8")


def _run_once(name: str, args: list[str]) -> subprocess.CompletedProcess:
    """Run a build once per test run, even with several xdist workers.

    Two builds writing into _build at the same time corrupt each other (LaTeX's .aux
    files first), so the workers take a lock; the first runs the build and records its
    result, the others read that record.
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
    state = ROOT / ".cache" / "test-builds"
    state.mkdir(parents=True, exist_ok=True)
    record = state / f"{name}-{run_id}.json"
    with open(state / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if record.exists():
                saved = json.loads(record.read_text(encoding="utf-8"))
                return subprocess.CompletedProcess(args, saved["returncode"], saved["stdout"], saved["stderr"])
            result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
            record.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout,
                                          "stderr": result.stderr}), encoding="utf-8")
            return result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def html_build():
    """Build the website with warnings as errors; return the finished process (output in .stdout)."""
    return _run_once("html", [JB, "build", ".", "-W", "-n", "--keep-going"])


@pytest.fixture(scope="session")
def pdf_build(html_build):
    """Build the PDF through xelatex (after the HTML, so the executed notebooks are cached)."""
    return _run_once("pdf", [JB, "build", ".", "--builder", "pdflatex", "-W", "-n", "--keep-going"])
