"""Is the reader's website already built from exactly these files? (``make book`` asks before Sphinx runs.)

Sphinx decides for itself what to rebuild, but only after it has imported its stack and unpickled the
environment: about two seconds even when nothing changed. This answers the same question first, from
file metadata alone: the size and time of every file the build can read (the whole source tree outside
``.git``, the virtual environments, ``_build`` and the caches; the execution record and cache; the PDFs
the site offers for download; the installed packages) and of every file the last build wrote. When all
are as they were after the last successful build, there is nothing to do.

The record is written only after a build that succeeded (no warnings, since ``make`` builds with
``-W``), so a failed build is always tried again; and any change, addition or removal of a file, in
the sources or in the built site, makes the next ``make book`` run Sphinx.

Command line (the Makefile uses it)::

    python book/_ext/site_state.py unchanged   # exit 0 if the site is up to date, 1 if not
    python book/_ext/site_state.py record      # after a successful build
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORD = Path("_build/.doctrees/house-cache/site-state.json")   # inside the root
# Not read by the build: version control, virtual environments, the build itself and tool caches.
SKIPPED = {".git", ".venv", ".venv-lab", "_build", ".cache", ".pytest_cache", "node_modules", "__pycache__",
           ".ipynb_checkpoints"}
# Read by the build although they live in _build or the virtual environment.
BUILD_INPUTS = ["_build/.jupyter_cache/evidence-runs.json", "_build/.jupyter_cache/global.db",
                "_build/latex/book.pdf", "_build/teacher/book-teacher.pdf", ".venv/bin/.installed"]
OUTPUTS = ["_build/html", "_build/.doctrees"]
SETTINGS = ["BOOK_EDITION", "SOURCE_DATE_EPOCH"]   # environment variables the build reads


def _walk(folder: Path):
    for entry in os.scandir(folder):
        if entry.name in SKIPPED:
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        else:
            yield Path(entry.path)


def _stat(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{info.st_size}:{info.st_mtime_ns}"


def state(root: Path = ROOT) -> str:
    """A digest of the name, size and time of every input and output of the reader's website."""
    files = sorted(_walk(root))
    for output in OUTPUTS:
        files += sorted(p for p in (root / output).rglob("*") if p.is_file() and p != root / RECORD) \
            if (root / output).is_dir() else [root / output]
    files += [root / name for name in BUILD_INPUTS]
    files += sorted((root / ".venv" / "lib").glob("python*/site-packages"))   # a package added or removed
    sha = hashlib.sha256()
    for path in files:
        sha.update(f"{path.relative_to(root)}={_stat(path)};".encode())
    for name in SETTINGS:
        sha.update(f"${name}={os.environ.get(name, '')};".encode())
    return sha.hexdigest()


def unchanged(root: Path = ROOT) -> bool:
    """True when the last successful build recorded exactly the present state."""
    try:
        recorded = json.loads((root / RECORD).read_text(encoding="utf-8"))["state"]
    except (FileNotFoundError, KeyError, ValueError):
        return False
    return recorded == state(root)


def record(root: Path = ROOT) -> None:
    (root / RECORD).parent.mkdir(parents=True, exist_ok=True)
    (root / RECORD).write_text(json.dumps({"state": state(root)}) + "\n", encoding="utf-8")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "unchanged":
        if unchanged():
            print("_build/html is up to date: nothing it is built from has changed since its last build "
                  "(`make book FORCE=1` runs Sphinx anyway)")
            sys.exit(0)
        sys.exit(1)
    if command == "record":
        record()
        sys.exit(0)
    sys.exit(f"usage: {sys.argv[0]} unchanged|record")
