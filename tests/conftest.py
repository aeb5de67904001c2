"""Shared fixtures. Each edition is built once per test run, whichever worker asks first, by `make`."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_paths import ROOT  # noqa: E402

STATE = ROOT / ".cache" / "test-builds"


def _run_once(name: str, args: list[str]) -> subprocess.CompletedProcess:
    """Run a build once per test run, even with several xdist workers.

    Two builds writing into _build at the same time corrupt each other (LaTeX's .aux
    files first), so the workers take a lock; the first runs the build and records its
    result, the others read that record.
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
    record = STATE / f"{name}-{run_id}.json"
    with no_build_running():
        if record.exists():
            saved = json.loads(record.read_text(encoding="utf-8"))
            return subprocess.CompletedProcess(args, saved["returncode"], saved["stdout"], saved["stderr"])
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        record.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout,
                                      "stderr": result.stderr}), encoding="utf-8")
        return result


@contextlib.contextmanager
def no_build_running():
    """Hold the build lock: no other worker's build writes into _build meanwhile (the builds share
    _build/.doctrees, so a test that reads from it takes the lock too)."""
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def make(target: str) -> list[str]:
    """The command that builds ``target`` with the Makefile's own flags and environment (defined there once)."""
    return ["make", "--no-print-directory", target]


@pytest.fixture(scope="session")
def html_build():
    """Build the reader's website with warnings as errors; return the finished process (output in .stdout).

    FORCE=1: Sphinx runs even when nothing changed since the last build (it then rebuilds nothing, in
    about two seconds), so that the tests read the output and warnings of a real Sphinx run."""
    return _run_once("html", make("book") + ["FORCE=1"])


@pytest.fixture(scope="session")
def pdf_build(html_build):
    """Build the reader's PDF through xelatex (after the website, so the executed notebooks are cached)."""
    return _run_once("pdf", make("pdf"))


@pytest.fixture(scope="session")
def teacher_build(html_build):
    """Build the teacher's website and PDF (from the same execution cache as the reader's)."""
    return _run_once("teacher", make("teacher"))


@pytest.fixture(scope="session")
def student_build():
    """Write the students' notebooks and their zip."""
    return _run_once("student", make("student"))


@pytest.fixture(scope="session")
def browser(html_build):
    """The browser checks of the reader's site (tests/browser/browser_checks.js), run once per test run."""
    from site_checks import browser_report, pages

    return _once("browser", lambda: browser_report(pages()))


def _once(name: str, compute):
    """Compute a JSON-able result once per test run, whichever xdist worker asks first."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
    state = ROOT / ".cache" / "test-builds"
    state.mkdir(parents=True, exist_ok=True)
    record = state / f"{name}-{run_id}.json"
    with open(state / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not record.exists():
                record.write_text(json.dumps(compute()), encoding="utf-8")
            return json.loads(record.read_text(encoding="utf-8"))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
