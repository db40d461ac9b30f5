"""The browser runtime under `/_kite/`: versioned, cacheable URLs, and the tags that
`%kite.head%` puts on every page."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import rjsmin
from starlette.responses import Response

from kite.sansio import compact_json
from kite.server.bundle import bundle_runtime

__all__ = ["RuntimeAssets"]

PREFIX = "/_kite/"


class RuntimeAssets:
    """Kite's own JavaScript modules, read once at start-up.

    In production what a page loads up front is one module (`start.js`, see bundle.py) and
    everything is minified (comments and spaces out, names kept); `kite dev` serves the
    modules as written, for reading in the browser's tools.
    """

    def __init__(self, *, minify: bool = True) -> None:
        folder = resources.files("kite") / "runtime"
        sources: dict[str, str] = {}
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name.endswith(".js"):
                    sources[entry.name] = entry.read_text(encoding="utf-8")
        # Bundled in dev too, only to check: a module the bundler refuses fails at start-up
        # in dev, not first in production.
        bundled = bundle_runtime(sources) if "start.js" in sources else sources
        served = bundled if minify else sources
        self.files: dict[str, bytes] = {}
        for name in sorted(served):
            text = rjsmin.jsmin(served[name]) if minify else served[name]
            self.files[name] = text.encode("utf-8")
        digest = hashlib.sha256()
        for name, content in self.files.items():
            digest.update(name.encode() + b"\0" + content)
        self.version = digest.hexdigest()[:12]
        self.enabled = "start.js" in self.files
        versioned = f"{PREFIX}{self.version}/"
        # Page scripts import "/_kite/forms.js"; the import map sends them to the same
        # (cacheable) modules that start.js uses, so that one copy of the runtime runs.
        imports = json.dumps({"imports": {PREFIX: versioned, versioned: versioned}})
        self.import_map = imports
        self._entry = f'src="{versioned}start.js"></script>'
        self._scripts = (
            f'<script type="importmap">{imports}</script><script type="module" {self._entry}'
        )

    def response(self, path: str) -> Response | None:
        """`/_kite/<version>/<file>` forever-cacheable, `/_kite/<file>` always revalidated;
        None for anything else under `/_kite/`."""
        rest = path[len(PREFIX) :]
        version, _, name = rest.partition("/")
        if name and version == self.version:
            cache = "public, max-age=31536000, immutable"
        elif not name:
            name, cache = version, "no-cache"
        else:
            return None
        content = self.files.get(name)
        if content is None:
            return None
        headers = {"cache-control": cache}
        return Response(content, media_type="text/javascript; charset=utf-8", headers=headers)

    def head(
        self, page_state: dict[str, Any], token: str | None = None, nonce: str | None = None
    ) -> str:
        """The script tags for `%kite.head%`: the runtime, and the page's state (with the
        data token, if any, as `token`); `nonce` goes on the scripts (see csp.py)."""
        if not self.enabled:
            return ""
        # "<" is escaped so that nothing in the data can close the script element.
        state = compact_json.dumps(page_state).replace("<", "\\u003c")
        if token is not None:
            # A token is base64url, which needs no escaping in JSON or HTML; written as is,
            # its two thousand characters skip the JSON encoder's scan.
            state = f'{state[:-1]},"token":"{token}"}}'
        scripts = self._scripts
        if nonce is not None:
            scripts = (
                f'<script type="importmap" nonce="{nonce}">{self.import_map}</script>'
                f'<script type="module" nonce="{nonce}" {self._entry}'
            )
        return f'{scripts}<script type="application/json" id="kite-page">{state}</script>'
