"""Checks of the built website, shared by the tests and by `make bench`."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import threading
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from book_paths import HTML, ROOT

BROWSER = ROOT / "tests" / "browser"
CHECKS_JS = BROWSER / "browser_checks.js"
VNU_JAR = BROWSER / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")


class Page(HTMLParser):
    """What the checks need from one HTML page: ids, links, loaded resources, images, captions."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.resources, self.images, self.captions = set(), [], [], [], 0
        self.redirect = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe", "source", "video", "audio") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "next", "prev"):
            self.resources.append(a["href"])
        if tag == "img":
            self.images.append(a)
        if tag == "figcaption":
            self.captions += 1
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.redirect = True


def pages(html: Path = HTML) -> dict[Path, Page]:
    """Every content page of the site (not the theme's static files), parsed."""
    parsed = {}
    for path in sorted(html.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path] = page
    return parsed


def third_party_resources(site: dict[Path, Page], html: Path = HTML) -> list[str]:
    """Scripts, styles, images... that a page would load from another server."""
    found = []
    for path, page in site.items():
        for url in page.resources:
            if re.match(r"^(https?:)?//", url) and not re.match(r"^https?://(127\.0\.0\.1|localhost)", url):
                found.append(f"{path.relative_to(html)}: {url}")
    return found


def broken_links(site: dict[Path, Page], html: Path = HTML) -> list[str]:
    """Internal links whose page or #anchor does not exist."""
    broken = []
    for path, page in site.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "javascript:")):
                continue
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(html)} -> {href}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in site.get(target, Page()).ids:
                broken.append(f"{path.relative_to(html)} -> {href} (no such anchor)")
    return broken


def page_weights(site: dict[Path, Page], html: Path = HTML) -> dict[str, dict[str, int]]:
    """Bytes of what each page makes the browser download: its HTML, scripts, styles and images.

    Shared theme files are counted for every page that loads them, as a first visit would.
    """
    weights = {}
    for path, page in site.items():
        parts = {"html": path.stat().st_size, "scripts": 0, "styles": 0, "images": 0}
        for url in set(page.resources) | {img.get("src", "") for img in page.images}:
            if not url or url.startswith(("http", "data:", "//")):
                continue
            target = (path.parent / unquote(url.split("?")[0].split("#")[0])).resolve()
            if not target.is_file():
                continue
            kind = {".js": "scripts", ".css": "styles"}.get(target.suffix, "images" if target.suffix in
                                                            (".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp") else None)
            if kind:
                parts[kind] += target.stat().st_size
        parts["total"] = sum(parts.values())
        weights[str(path.relative_to(html))] = parts
    return weights


def html_validity(html: Path = HTML) -> list[dict]:
    """Errors of the Nu Html Checker (vnu.jar, run with Java) on every page of the site."""
    files = [str(p) for p in sorted(html.rglob("*.html")) if "_static" not in p.parts and "_sources" not in p.parts]
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [{"file": m.get("url", "").replace("file:" + str(html), ""), "line": m.get("lastLine"),
             "message": m.get("message")} for m in messages if m.get("type") == "error"]


def browser_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which("node") is not None and (BROWSER / "node_modules").is_dir()


def validator_available() -> bool:
    return shutil.which("java") is not None and VNU_JAR.is_file()


@contextlib.contextmanager
def serve(directory: Path = HTML):
    """Serve the site on a free port of 127.0.0.1 for the length of a `with` block."""
    handler = partial(_QuietHandler, directory=str(directory))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser_report(site: dict[Path, Page], html: Path = HTML, shots: Path | None = None) -> dict:
    """Load every page in headless Chromium: axe-core violations, third-party requests, console errors."""
    names = [str(p.relative_to(html)) for p, page in site.items() if not page.redirect]  # not the root redirect
    env = dict(os.environ, NODE_PATH=str(BROWSER / "node_modules"))
    if shots:
        env["SHOTS"] = str(shots)
    with serve(html) as base:
        result = subprocess.run(["node", str(CHECKS_JS), base, *names], capture_output=True, text=True,
                                env=env, cwd=BROWSER, timeout=1200)
    if result.returncode != 0:
        raise RuntimeError(f"browser checks failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout)
