"""Two clean builds of the same sources give byte-identical websites: pages, images, notebooks, zips.

The second build runs in a copy of the repository in another folder, from nothing (its own execution
cache), so a timestamp, an absolute path or an unordered output anywhere in the site shows up here.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess

import pytest

from book_paths import HTML, ROOT

pytestmark = pytest.mark.slow


def _tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def _differences(left, right, prefix="") -> list[str]:
    comparison = filecmp.dircmp(left, right)
    found = [f"{prefix}{name} (only in one build)" for name in comparison.left_only + comparison.right_only]
    for name in comparison.common_files:
        if not filecmp.cmp(os.path.join(left, name), os.path.join(right, name), shallow=False):
            found.append(f"{prefix}{name}")
    for name in comparison.common_dirs:
        found += _differences(os.path.join(left, name), os.path.join(right, name), f"{prefix}{name}/")
    return found


def test_two_clean_builds_give_the_same_website(tmp_path, html_build):
    assert html_build.returncode == 0
    copy = tmp_path / "book-copy"
    for name in _tracked_files():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    shutil.copytree(ROOT / ".git", copy / ".git")   # the Makefile reads the commit date for SOURCE_DATE_EPOCH
    # the site offers the PDF when one was built before it (make pdf, or the PDF test): give the copy the same one
    if (HTML / "downloads" / "book.pdf").exists():
        (copy / "_build" / "latex").mkdir(parents=True)
        shutil.copy2(HTML / "downloads" / "book.pdf", copy / "_build" / "latex" / "book.pdf")
    # -o: the copy shares this virtual environment; never reinstall the helper package from the copy into it
    result = subprocess.run(["make", "--no-print-directory", "-o", ".venv/bin/.installed", "book"], cwd=copy,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    differences = _differences(str(HTML), str(copy / "_build" / "html"))
    # an incremental build keeps the images of earlier versions of a chart; the copy has only current ones
    stale = [d for d in differences if d.startswith("_images/") and d.endswith("(only in one build)")
             and not (copy / "_build" / "html" / d.split(" ")[0]).exists()]
    assert not [d for d in differences if d not in stale], [d for d in differences if d not in stale][:20]
    assert any((copy / "_build" / "html" / "_images").iterdir()), "the copy built no images"
