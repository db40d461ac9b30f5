"""The route modules' compiled code kept in one file between starts (the `module_cache`
setting, `.kite/cache/modules/` by default).

Kite imports the files it loads itself (`+page.server.py`, `+layout.server.py`,
`+server.py`, `hooks.server.py`, a route folder's `__init__.py`) with this loader instead of
Python's own, which writes a `__pycache__/` folder and a `.pyc` file beside each: with 5,000
routes, creating those 10,000 entries took 2-5 s of a first start on a machine where
compiling the modules took well under one. Here every module's code goes into one file,
written once when the app has started. What those modules import (`from .game import Game`,
`lib/`) goes through Python's normal import, `.pyc` files and all.

An entry is found by the file's path and used while the file keeps its size and its
modification time in nanoseconds: one `stat` per module and nothing read, as Python's own
`.pyc` files do (at a second's resolution there). A file modified less than `_RACY_NS`
before it was read could change again within one tick of a coarse filesystem clock and keep
both, so its entry also holds the source's hash, compared when it is used. The file's header
holds Python's bytecode magic number and optimization level: code from another Python is
never read.

It never breaks start-up: a file that cannot be read, or is of another Python or shape, is
ignored; a folder that cannot be made or written is not written. When Python is told not to
write bytecode (`PYTHONDONTWRITEBYTECODE`, `-B`), the file is read but not written.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import logging
import marshal
import os
import sys
import time
from pathlib import Path
from types import CodeType

from kite.server.filewrite import keep_file

__all__ = ["CachedSourceLoader", "ModuleCache", "open_module_cache"]

logger = logging.getLogger("kite")

# Bumped whenever what the file holds changes shape.
_FORMAT = "kite-module-cache-1"
_FILE = "modules.marshal"
# Two seconds: the coarsest clock of a common filesystem (FAT's).
_RACY_NS = 2_000_000_000

# What is kept of one module: its file's size and mtime_ns, its source's hash when it was
# read soon after a change (else None), and its code.
_Entry = tuple[int, int, bytes | None, CodeType]


def _header() -> bytes:
    # Compared before anything is unmarshalled: marshal's format is Python's own.
    magic = importlib.util.MAGIC_NUMBER
    return magic + f"\0{_FORMAT}\0{sys.flags.optimize}\0".encode()


def open_module_cache(folder: Path) -> ModuleCache:
    """The cache kept in `folder`, created if need be and if it may be written."""
    writable = not sys.dont_write_bytecode
    if writable:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            logger.debug("module cache %s not written: %s", folder, exc)
            writable = False
    return ModuleCache(folder / _FILE, writable=writable)


class ModuleCache:
    """The compiled code of an app's route modules, read once when it starts and written
    once when it has started (`save`)."""

    def __init__(self, path: Path, *, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self._stored = self._read()
        # What this start used or compiled: what `save` writes (the rest is stale).
        self._used: dict[str, _Entry] = {}
        self._changed = False
        # The files this start compiled, in order.
        self.compiled: list[str] = []

    def _read(self) -> dict[str, _Entry]:
        header = _header()
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        if not data.startswith(header):
            return {}
        try:
            stored = marshal.loads(data[len(header) :])
        except (EOFError, ValueError, TypeError):
            return {}
        return stored if isinstance(stored, dict) else {}

    def loader(self, fullname: str, path: str) -> CachedSourceLoader:
        return CachedSourceLoader(fullname, path, self)

    def code(self, path: str, loader: importlib.machinery.SourceFileLoader) -> CodeType:
        """The code of the source file at `path`: kept, or compiled (and kept)."""
        stat = os.stat(path)
        entry = self._stored.get(path)
        if (
            isinstance(entry, tuple)
            and len(entry) == 4
            and entry[:2] == (stat.st_size, stat.st_mtime_ns)
            and isinstance(entry[3], CodeType)
        ):
            digest = entry[2]
            if digest is None:
                self._used[path] = entry
                return entry[3]
            if digest == hashlib.sha256(loader.get_data(path)).digest():
                if not _racy(stat.st_mtime_ns):  # settled now: no need to read it again
                    entry, self._changed = (entry[0], entry[1], None, entry[3]), True
                self._used[path] = entry
                return entry[3]
        source = loader.get_data(path)
        # Compiled with the file's own name: tracebacks and SyntaxErrors name it.
        code = loader.source_to_code(source, path)
        hashed = hashlib.sha256(source).digest() if _racy(stat.st_mtime_ns) else None
        self._used[path] = (stat.st_size, stat.st_mtime_ns, hashed, code)
        self._changed = True
        self.compiled.append(path)
        return code

    def save(self, *, keep_unused: bool = False) -> None:
        """Write what this start compiled or used (`keep_unused`: and the rest of what was
        read), if that differs from what was read; quietly nothing when it may not or
        cannot be written."""
        if not self.writable or (not self._changed and len(self._used) == len(self._stored)):
            return
        entries = {**self._stored, **self._used} if keep_unused else self._used
        data = _header() + marshal.dumps(entries)
        if not keep_file(self.path, data, "module cache"):
            return
        self._stored = dict(entries)
        self._changed = False


def _racy(mtime_ns: int) -> bool:
    return time.time_ns() - mtime_ns < _RACY_NS


class CachedSourceLoader(importlib.machinery.SourceFileLoader):
    """Python's source loader, with the code from `cache` instead of a `.pyc` file."""

    def __init__(self, fullname: str, path: str, cache: ModuleCache) -> None:
        super().__init__(fullname, path)
        self.cache = cache

    def get_code(self, fullname: str) -> CodeType:
        return self.cache.code(self.get_filename(fullname), self)
