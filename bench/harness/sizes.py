"""What the browser downloads to enhance the login page: gzip sizes of Kite's runtime and of
SvelteKit's client JavaScript. gzip level 9 on both sides.

Standalone, for Kite only (no wrk, no SvelteKit): starts examples/auth-todos, loads /login
in Chromium and prints every JS file the page loads before it is interactive, and the total:

    .venv/bin/python -m bench.harness.sizes [--page /login]

The figure is pinned at 8 KB by tests/browser/test_runtime_size.py.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "auth-todos"
CHROMIUM = Path("/usr/bin/chromium")
# The budget of issue 5: what the demo's /login page loads up front, gzip -9.
BUDGET = 8192


@dataclass
class Asset:
    name: str
    raw: int
    gzipped: int


def _asset(name: str, content: bytes) -> Asset:
    return Asset(name, len(content), len(gzip.compress(content, compresslevel=9)))


def kite_runtime() -> list[Asset]:
    """Every module of Kite's runtime as `kite start` serves it (minified): all of Kite's
    browser code."""
    from kite.server.assets import RuntimeAssets

    served = RuntimeAssets(minify=True).files
    return [_asset(name, served[name]) for name in sorted(served)]


def _get(host: str, port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return body
    finally:
        connection.close()


def page_scripts(host: str, port: int, page: str = "/login") -> list[Asset]:
    """The JS a page makes the browser load: its modulepreload links and the modules its
    inline start-up script imports (SvelteKit lists the whole static import graph)."""
    html = _get(host, port, page).decode("utf-8", "replace")
    links = re.findall(r'<link[^>]+href="([^"]+\.js)"[^>]*rel="modulepreload"', html)
    links += re.findall(r'<link[^>]+rel="modulepreload"[^>]*href="([^"]+\.js)"', html)
    links += re.findall(r'import\("([^"]+\.js)"\)', html)
    links += re.findall(r'<script[^>]+src="([^"]+\.js)"', html)
    assets = []
    for link in dict.fromkeys(links):  # in order, without repeats
        path = urlsplit(urljoin(f"http://{host}:{port}{page}", link)).path
        assets.append(_asset(path.rsplit("/", 1)[-1], _get(host, port, path)))
    return assets


# When <html data-kite-ready> appears, on the page's own clock (tests/browser/
# test_runtime_size.py uses these two as well): a fetch that started later was not needed to become
# interactive, such as the modules the runtime preloads once the page is idle.
READY_CLOCK = """
new MutationObserver((_, observer) => {
  if (document.documentElement.hasAttribute('data-kite-ready')) {
    window.__kiteReadyAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-kite-ready'] });
"""
STARTED_BEFORE_READY = """() => performance.getEntriesByType('resource')
  .filter((entry) => entry.startTime <= window.__kiteReadyAt)
  .map((entry) => entry.name)"""


def kite_page_scripts(url: str, *, timeout_ms: int = 20_000) -> list[Asset]:
    """Every JS file the browser starts to load for the Kite page at `url` before it is
    interactive (`html[data-kite-ready]`): the modules the page imports on load count, and
    those fetched later (the idle preload, a submission, a click) do not. Measured in
    Chromium (Playwright, /usr/bin/chromium), since only a browser knows what a page imports."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/install-chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(timeout_ms)
            page.add_init_script(READY_CLOCK)
            scripts: list[tuple[str, bytes]] = []
            page.on(
                "response",
                lambda response: (
                    scripts.append((response.url, response.body()))
                    if response.request.resource_type == "script"
                    else None
                ),
            )
            page.goto(url)
            page.wait_for_selector("html[data-kite-ready]", state="attached")
            page.wait_for_load_state("networkidle")
            before_ready = set(page.evaluate(STARTED_BEFORE_READY))
            return [
                _asset(urlsplit(link).path, body)
                for link, body in dict(scripts).items()
                if link in before_ready
            ]
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving_demo(*, startup_timeout: float = 20.0) -> Iterator[int]:
    """`kite start` on examples/auth-todos (a throw-away SQLite database); yields the port."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3"}
        command = [sys.executable, "-m", "kite", "start", str(DEMO), "--host", "127.0.0.1"]
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                try:
                    _get("127.0.0.1", port, "/login")
                    break
                except (OSError, RuntimeError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the demo app did not start") from None
                    time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kite's up-front JavaScript for a demo page.")
    parser.add_argument("--page", default="/login", help="the demo page to load (/login)")
    arguments = parser.parse_args(argv)
    with serving_demo() as port:
        assets = kite_page_scripts(f"http://127.0.0.1:{port}{arguments.page}")
    for asset in assets:
        print(f"{asset.name:<40} {asset.raw:>7,} B raw {asset.gzipped:>7,} B gzip -9")
    total = sum(asset.gzipped for asset in assets)
    runtime = sum(asset.gzipped for asset in kite_runtime())
    print(f"{arguments.page}: {total:,} B gzip -9 up front (budget {BUDGET:,} B)")
    print(f"all of the runtime: {runtime:,} B gzip -9, one file at a time")
    return 0 if total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
