"""What the browser downloads to enhance the login page: gzip sizes of Kite's runtime and of
SvelteKit's client JavaScript. gzip level 9 on both sides."""

from __future__ import annotations

import gzip
import http.client
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit


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
