"""Compiled templates kept on disk between starts (`[render] template_cache`).

Compiling a template is most of what start-up costs in an app of many routes: the start-up
check (template_check.py) compiles every template a route can reach, and each is a parse, a
run of the code generator and Python's `compile`. This is Jinja's bytecode cache with three
differences:

- The start-up check's facts (what a template pulls in, what it defines, whether it holds a
  runtime marker) are stored beside the code, so a template read from the cache is neither
  compiled nor parsed.
- The key covers everything that shapes the compiled code besides the source: Kite's and
  Jinja's code generators, the environment's syntax and options, the autoescape answer for
  the template, and the filters and tests (Jinja folds `{{ "x" | f }}` at compile time, so
  a changed filter must compile again). A template's source is compared in full, by hash:
  an edited template compiles again, and its errors stop start-up as before.
- It never breaks start-up: a folder that cannot be created or written, or a file that
  cannot be read, is simply not used (a read-only deployment starts as it would without a
  cache; a cache shipped inside a read-only image is still read).

Files are written whole and renamed into place, so workers starting together never read a
half-written one.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from kite.server import template_check
from kite.server.filewrite import keep_file
from kite.server.template_check import Reference, TemplateFacts

__all__ = ["TemplateCache", "open_template_cache"]

logger = logging.getLogger("kite")

# Bumped whenever what the file holds changes shape.
_FORMAT = "kite-template-cache-1"
_FILE = "templates.marshal"

# A fact tuple as stored: marshal keeps only plain values.
_StoredFacts = tuple[tuple[tuple[str, tuple[str, ...], int, bool, tuple[str, ...]], ...], Any, bool]
# What is kept of one template: its source's hash, its facts and its code.
_Entry = tuple[str, _StoredFacts | None, CodeType]


def open_template_cache(folder: Path, environment: jinja2.Environment) -> TemplateCache | None:
    """A cache in `folder` (created if need be) for templates compiled by `environment` as
    it is configured now, or None when the folder can be neither made nor read."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.debug("template cache %s not used: %s", folder, exc)
        return None
    return TemplateCache(folder, fingerprint(environment))


class TemplateCache(jinja2.BytecodeCache):
    """All of an app's compiled templates in one file, read once when the app starts and
    written once when it has started (`save`). One file, not one per template: creating
    5,000 files cost more than compiling the templates did."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.path = folder / _FILE
        self.fingerprint = fingerprint
        self._stored = self._read()
        # What this start used or compiled: what `save` writes (the rest is stale).
        self._used: dict[str, _Entry] = {}
        self._changed = False
        # The template of each bucket key, to file its facts with its code.
        self._names: dict[str, str] = {}

    def _read(self) -> dict[str, _Entry]:
        try:
            stored = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if (
            isinstance(stored, tuple)
            and len(stored) == 3
            and stored[:2] == (_FORMAT, self.fingerprint)
            and isinstance(stored[2], dict)
        ):
            return stored[2]
        return {}

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        escape = environment.autoescape
        escaped = escape(name) if callable(escape) else escape
        key = f"{escaped}\0{name}\0{filename}"
        self._names[key] = name
        bucket = Bucket(environment, key, hashlib.sha256(source.encode()).hexdigest())
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        entry = self._stored.get(bucket.key)
        if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == bucket.checksum):
            return
        _, facts, code = entry
        if not isinstance(code, CodeType):
            return
        if facts is not None:
            recorded: dict[str, TemplateFacts] | None = getattr(
                bucket.environment, "template_facts", None
            )
            try:
                thawed = _thaw(facts)
            except (TypeError, ValueError):  # a file of another shape: compiled again
                return
            if recorded is not None:
                recorded[self._names[bucket.key]] = thawed
        bucket.code = code
        self._used[bucket.key] = entry

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is None:
            return
        recorded: dict[str, TemplateFacts] = getattr(bucket.environment, "template_facts", {})
        facts = recorded.get(self._names.get(bucket.key, ""))
        frozen = None if facts is None else _freeze(facts)
        self._used[bucket.key] = (bucket.checksum, frozen, bucket.code)
        self._changed = True

    def names(self) -> set[str]:
        """The templates the file holds (maybe of another source than today's)."""
        return {key.split("\0")[1] for key in self._stored}

    def reload(self) -> None:
        """Read the file again: what another process (compile_ahead.py) wrote meanwhile."""
        self._stored = self._read()

    def save(self, *, keep_unused: bool = False) -> None:
        """Write what this start compiled or used (`keep_unused`: and the rest of what was
        read), if that differs from what was read; quietly nothing when the folder cannot
        be written."""
        if not self._changed and len(self._used) == len(self._stored):
            return
        entries = {**self._stored, **self._used} if keep_unused else self._used
        data = marshal.dumps((_FORMAT, self.fingerprint, entries))
        if not keep_file(self.path, data, "template cache"):
            return
        self._stored = dict(entries)
        self._changed = False

    def clear(self) -> None:
        self._stored.clear()
        self._used.clear()
        self.path.unlink(missing_ok=True)


def _freeze(facts: TemplateFacts) -> _StoredFacts:
    references = tuple(
        (ref.tag, ref.names, ref.line, ref.ignore_missing, ref.imports) for ref in facts.references
    )
    return (references, facts.exports, facts.has_marker)


def _thaw(stored: _StoredFacts) -> TemplateFacts:
    references, exports, has_marker = stored
    return TemplateFacts(
        [
            Reference(tag, names, line, ignore, imports)
            for tag, names, line, ignore, imports in references
        ],
        exports,
        has_marker,
    )


_SYNTAX = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


def fingerprint(environment: jinja2.Environment) -> str:
    """What, besides a template's name and source, decides the code it compiles to."""
    digest = hashlib.sha256(f"{_FORMAT}\0{jinja2.__version__}\0{sys.version}".encode())
    classes = (
        type(environment),
        environment.code_generator_class,
        environment.template_class,
        environment.context_class,
    )
    for cls in classes:
        digest.update(f"{cls.__module__}.{cls.__qualname__}".encode())
    # The code of Kite's generator and of the facts it notes (editing either, or upgrading
    # Kite, changes them), and Jinja's compiler.
    for module in sorted({cls.__module__ for cls in classes} | {template_check.__name__}):
        digest.update(_source_digest(sys.modules[module]))
    for option in _SYNTAX:
        digest.update(f"{option}={getattr(environment, option)!r}\0".encode())
    digest.update(_callable_digest(environment.finalize))
    # An extension rewrites templates as they are parsed: its code, not only its name.
    for name in sorted(environment.extensions):
        digest.update(name.encode() + b"\0")
        digest.update(
            _source_digest(sys.modules.get(type(environment.extensions[name]).__module__))
        )
    for table in (environment.filters, environment.tests):
        _digest_table(digest, table)
    return digest.hexdigest()


def _digest_table(digest: Any, table: Mapping[str, Any]) -> None:
    for name in sorted(table):
        digest.update(name.encode() + b"\0")
        digest.update(_callable_digest(table[name]))


def _callable_digest(function: Any) -> bytes:
    """A function's identity and code: a filter or test edited in the app changes it."""
    if function is None:
        return b"none\0"
    target = getattr(function, "func", function)  # functools.partial
    code = getattr(target, "__code__", None)
    named = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', type(target))}"
    if isinstance(code, CodeType):
        return named.encode() + hashlib.sha256(marshal.dumps(code)).digest()
    return named.encode() + b"\0"


def _source_digest(module: Any) -> bytes:
    path = getattr(module, "__file__", None)
    if not isinstance(path, str):
        return b"\0"
    try:
        return hashlib.sha256(Path(path).read_bytes()).digest()
    except OSError:
        return path.encode()
