"""The pages `kite build` prerendered, as `kite start` serves them: from the files in the
output folder, without running a load (docs/page-options.md)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse

from kite.exceptions import KiteError

__all__ = ["BUILD_MANIFEST", "PrerenderedPages"]

logger = logging.getLogger("kite")

# Written by `kite build` beside the pages: which URL is which file. Its presence is also
# what lets a later build empty the folder safely.
BUILD_MANIFEST = ".kite-build.json"


class PrerenderedPages:
    """URL path (decoded) → prerendered file, read once at start-up.

    `built` says whether there is a build at all: without one, pages with
    `prerender = True` are rendered on each request instead (with a warning at start-up).
    """

    def __init__(self, folder: Path | None = None, *, version: str = "") -> None:
        self.folder = folder
        self.pages: dict[str, Path] = {}
        self.built = False
        if folder is None:
            return
        manifest = folder / BUILD_MANIFEST
        if not manifest.is_file():
            return
        data = _read(manifest)
        pages = data.get("pages")
        if not isinstance(pages, dict) or not all(
            isinstance(url, str) and isinstance(name, str) for url, name in pages.items()
        ):
            raise KiteError(f"{manifest}: 'pages' is not a map of URL to file; run kite build")
        root = folder.resolve()
        for url, name in pages.items():
            path = (root / name).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                raise KiteError(
                    f"{manifest}: the page for {url} ({name}) is missing; run kite build again"
                )
            self.pages[url] = path
        self.built = True
        if data.get("version") != version:
            logger.warning(
                "%s was built from other files than src/ holds now: its %d prerendered "
                "pages may be out of date. Run `kite build` again.",
                folder,
                len(self.pages),
            )

    def response(self, path: str) -> FileResponse | None:
        """The prerendered page for a decoded URL path, or None."""
        file = self.pages.get(path)
        if file is None and len(path) > 1 and path.endswith("/"):
            # Reached only under trailing_slash = "ignore": the page was built without it.
            file = self.pages.get(path.rstrip("/"))
        if file is None:
            return None
        return FileResponse(file, media_type="text/html; charset=utf-8")


def _read(manifest: Path) -> dict[str, Any]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KiteError(f"{manifest}: cannot be read ({exc}); run kite build again") from None
    if not isinstance(data, dict):
        raise KiteError(f"{manifest}: not a build manifest; run kite build again")
    return data
