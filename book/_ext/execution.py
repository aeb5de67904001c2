"""Execute the book's notebooks before Sphinx runs: in parallel, and again only when their evidence changed.

myst-nb's cache (``execute_notebooks: cache``) keys a notebook on its code alone, and it runs
the notebooks one at a time inside the Sphinx build. This step, run by ``make`` before each build:

1. reads every notebook of ``_toc.yml`` the way myst-nb reads it, so the cache keys agree;
2. drops the cached outputs of a notebook whose *evidence* changed since it last ran: the data
   files it actually read (recorded while it ran, through ``EVIDENCE_READ_LOG``, see
   ``evidence/data.py``) and the files of the helper package;
3. executes the notebooks that have no cached outputs, two at a time on a two-core machine, and
   stores the results in the same cache; a notebook that fails stops the build with its error;
4. records when each notebook ran, so that the Sphinx extension below (``env-get-outdated``) makes
   Sphinx read again a page whose outputs are newer than its last reading.

A change to ``data/trade.csv`` therefore re-runs only the chapters that read the trade data.
When no notebook, data file, helper or the configuration changed, step 1 is skipped: file hashes
alone say that nothing is to run (a no-change rebuild should not pay for reading every notebook).

Command line: ``python book/_ext/execution.py [--jobs N]`` (``make book`` runs it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kernel_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "_build" / ".jupyter_cache"
RECORD = "evidence-runs.json"   # inside the cache folder: per notebook, what it read and when it ran
HELPERS = ROOT / "evidence"
TIMEOUT = 60


def _config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every MyST notebook named in _toc.yml (the root page first)."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(root / "_toc.yml")
    found = []
    for docname in site_map:
        path = root / f"{docname}.md"
        if path.is_file() and "kernelspec:" in path.read_text(encoding="utf-8")[:2000]:
            found.append(path)
    return sorted(found)


def read(path: Path):
    """Read a MyST notebook exactly as myst-nb does, so that its cache key is the one myst-nb looks up."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    extensions = _config().get("parse", {}).get("myst_enable_extensions", [])
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"),
                                       MdParserConfig(enable_extensions=set(extensions)),
                                       add_source_map=True, path=path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _helper_files() -> list[Path]:
    return sorted(p for p in HELPERS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _fingerprint(files: list[str]) -> dict[str, str]:
    """SHA-256 of each file (a missing file has the fingerprint 'missing')."""
    result = {}
    for name in sorted(set(files)):
        path = ROOT / name
        result[name] = _sha256(path) if path.is_file() else "missing"
    return result


def _execute(path: Path) -> dict:
    """Run one notebook in its own folder (in a worker process); return outputs, time and files read."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = read(path)
    with tempfile.NamedTemporaryFile("r", suffix=".log", delete=False) as log:
        os.environ["EVIDENCE_READ_LOG"] = log.name
        # The kernel is forked from the server that has imported the chapters' stack (kernel_server.py),
        # when there is one. It has nothing to save once the outputs are in: stopping it at once saves
        # about half a second per notebook over a graceful shutdown.
        forked = {"kernel_manager_class": kernel_server.manager_class()} if os.environ.get(kernel_server.SOCKET_ENV) else {}
        result = single_nb_execution(nb, cwd=str(path.parent), allow_errors=False, timeout=TIMEOUT,
                                     meta_override=True, shutdown_kernel="immediate", **forked)
        read_paths = {line.strip() for line in Path(log.name).read_text(encoding="utf-8").splitlines() if line.strip()}
    Path(log.name).unlink()
    files = [os.path.relpath(p, ROOT) for p in read_paths] + [str(p.relative_to(ROOT)) for p in _helper_files()]
    return {"path": str(path), "nb": nb, "seconds": result.time, "files": sorted(set(files)),
            "error": result.exc_string if result.err else None}


def _unchanged(record: dict, path: Path) -> bool:
    """The notebook's source, the configuration and the evidence it read are as when it last ran
    (or was last found in the cache): its cached outputs are still the right ones."""
    runs = record.get(str(path.relative_to(ROOT)))
    return (runs is not None and runs.get("source") == _sha256(path)
            and runs.get("config") == _sha256(ROOT / "_config.yml")
            and _fingerprint(list(runs["files"])) == runs["files"])


def run(jobs: int = 2) -> int:
    record_path = CACHE / RECORD
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    paths = notebooks()
    # The common case, a build with nothing to run, decided from file hashes alone: reading every
    # notebook as myst-nb does and opening the cache's database would cost more than a second.
    if (CACHE / "global.db").exists() and all(_unchanged(record, path) for path in paths):
        print(f"All {len(paths)} notebooks are up to date in {CACHE.relative_to(ROOT)}")
        return 0

    with kernel_server.running():
        return _run_stale(record, paths, jobs)


def _run_stale(record: dict, paths: list[Path], jobs: int) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    record_path = CACHE / RECORD
    cache = get_cache(str(CACHE))
    config = _sha256(ROOT / "_config.yml")
    stale = []
    for path in paths:
        name = str(path.relative_to(ROOT))
        try:
            cached = cache.match_cache_notebook(read(path))
        except KeyError:
            cached = None
        runs = record.get(name)
        evidence_same = runs is not None and _fingerprint(list(runs["files"])) == runs["files"]
        if cached is not None and evidence_same:
            runs.update(source=_sha256(path), config=config)
            continue
        if cached is not None:
            cache.remove_cache(cached.pk)
            print(f"  {name}: its evidence changed since it ran; running it again")
        stale.append(path)
    if not stale:
        record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"All {len(paths)} notebooks are up to date in {CACHE.relative_to(ROOT)}")
        return 0
    print(f"Executing {len(stale)} notebook(s) with {min(jobs, len(stale))} worker(s)...", flush=True)
    failed = 0
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(stale)))) as pool:
        for result in pool.map(_execute, stale):
            path = Path(result["path"])
            name = str(path.relative_to(ROOT))
            if result["error"]:
                failed += 1
                print(f"\n{name} failed:\n{result['error']}", file=sys.stderr)
                continue
            cache.cache_notebook_bundle(CacheBundleIn(result["nb"], str(path),
                                                      data={"execution_seconds": result["seconds"]}),
                                        check_validity=False, overwrite=True)
            record[name] = {"files": _fingerprint(result["files"]), "ran": time.time(),
                            "source": _sha256(path), "config": config}
            print(f"  {name}: {result['seconds']:.1f} s, read {sum(f.startswith('data/') for f in result['files'])} data file(s)")
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 1 if failed else 0


def _reread_newly_executed(app, env, added, changed, removed) -> list[str]:
    """Sphinx: read again every page whose notebook ran after the page was last read."""
    record_path = Path(app.config.nb_execution_cache_path or CACHE) / RECORD
    if not record_path.exists():
        return []
    record = json.loads(record_path.read_text(encoding="utf-8"))
    srcdir = Path(app.srcdir)
    again = []
    for name, runs in record.items():
        docname = Path(name).with_suffix("").as_posix()
        read_at = env.all_docs.get(docname)  # microseconds since the epoch, when Sphinx last read the page
        if read_at is not None and runs["ran"] * 1e6 > read_at and (srcdir / name).is_file():
            again.append(docname)
    return again


def _renumber_only_after_reading() -> None:
    """Sphinx numbers sections and figures again after every build's reading phase (the
    ``env-get-updated`` event), loading every page's doctree to do it: about 1 s of a no-change
    rebuild of this book. The numbers depend only on the doctrees and the table of contents, which
    cannot have changed when no document was read (a change to ``_toc.yml`` or the configuration
    makes Sphinx read every document). So when nothing was read, the numbers of the last build stand."""
    from sphinx.environment import BuildEnvironment

    original = BuildEnvironment.check_dependents
    if getattr(original, "_house", False):
        return

    def check_dependents(self, app, already):
        if not already:
            return iter(())
        return original(self, app, already)

    check_dependents._house = True
    BuildEnvironment.check_dependents = check_dependents


def setup(app):
    app.connect("env-get-outdated", _reread_newly_executed)
    _renumber_only_after_reading()
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="notebooks run at once")
    sys.exit(run(parser.parse_args().jobs))
