"""Files under `static/`, served at the site root."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import FileResponse

__all__ = ["StaticFiles"]


class StaticFiles:
    """Looks a request path up among the files of `static/`.

    In production the file list is read once at start-up; in dev it is checked on disk
    each time, so new files appear without a restart.
    """

    def __init__(self, directory: Path, *, dev: bool) -> None:
        self.directory = directory.resolve()
        self.dev = dev
        self.files: dict[str, Path] = {} if dev else self._scan()

    def _scan(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        if not self.directory.is_dir():
            return found
        for folder, _dirs, files in os.walk(self.directory):
            for name in files:
                path = Path(folder) / name
                found["/" + path.relative_to(self.directory).as_posix()] = path
        return found

    def lookup(self, decoded_path: str) -> Path | None:
        if not self.dev:
            return self.files.get(decoded_path)
        if "\x00" in decoded_path:
            return None
        candidate = (self.directory / decoded_path.lstrip("/")).resolve()
        if candidate.is_file() and candidate.is_relative_to(self.directory):
            return candidate
        return None

    def response(self, path: Path) -> FileResponse:
        return FileResponse(path)
