"""Shared fixtures. The book and the PDF are built once per test run, on one worker (xdist group 'build')."""

from __future__ import annotations

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


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="session")
def html_build():
    """Build the website with warnings as errors; return the finished process (output in .stdout)."""
    return _run([JB, "build", ".", "-W", "-n", "--keep-going"])


@pytest.fixture(scope="session")
def pdf_build(html_build):
    """Build the PDF through xelatex (after the HTML, so the executed notebooks are cached)."""
    return _run([JB, "build", ".", "--builder", "pdflatex", "-W", "-n", "--keep-going"])
