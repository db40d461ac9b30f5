"""The database: SQLite by default, PostgreSQL when `DATABASE_URL` says so.

    DATABASE_URL unset                      data/app.sqlite3 in the app's folder
    sqlite:///data/app.sqlite3              a path relative to the app's folder
    sqlite:////var/lib/todos.sqlite3        an absolute path (four slashes)
    postgresql://user:pw@host:5432/todos    PostgreSQL, through psycopg 3

Queries are written once, with `?` placeholders; for PostgreSQL they become `%s`. Rows come
back as dicts. The tables are created on first use, so a new SQLite file needs no set-up.

Nothing is kept between calls: each `transaction()` (or `read()`) opens its own connection
and closes it.
`kite start --workers 4` runs four processes, and the database is all they share.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

APP_DIR = Path(__file__).resolve().parents[2]
DEFAULT_URL = "sqlite:///data/app.sqlite3"

Row = dict[str, Any]

# One schema for both databases; only the types of generated keys and of bytes differ.
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id {id},
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions (user_id);
CREATE TABLE IF NOT EXISTS todos (
    id {id},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    text_key TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, text_key)
);
CREATE TABLE IF NOT EXISTS avatars (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data {bytes} NOT NULL,
    version BIGINT NOT NULL
)
"""
SQLITE_TYPES = {"id": "INTEGER PRIMARY KEY", "bytes": "BLOB"}
POSTGRES_TYPES = {"id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "bytes": "BYTEA"}

# A cache, not shared state: each process checks the schema once per database.
_schema_ready: set[str] = set()


class IntegrityError(Exception):
    """A constraint refused the write: a UNIQUE column already has the value, say."""


class _Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection:
    """One connection inside one transaction, whichever database is behind it."""

    def __init__(self, raw: Any, *, postgres: bool) -> None:
        self._raw = raw
        self.postgres = postgres
        if postgres:
            import psycopg

            self._integrity_error: type[Exception] = psycopg.IntegrityError
        else:
            self._integrity_error = sqlite3.IntegrityError

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        if self.postgres:
            # psycopg's placeholder is %s, so a literal % must be doubled. (No SQL in this app
            # has a `?` inside a string literal, which this would also turn into %s.)
            sql = sql.replace("%", "%%").replace("?", "%s")
        try:
            cursor: _Cursor = self._raw.execute(sql, tuple(params))
        except self._integrity_error as exc:
            raise IntegrityError(str(exc)) from exc
        return cursor

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(row) for row in self.execute(sql, params).fetchall()]

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; returns how many rows it changed."""
        return self.execute(sql, params).rowcount


def database_url() -> str:
    # Read on each call rather than at import, so that a test can point it elsewhere.
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise ValueError(
            f"DATABASE_URL must start with sqlite:/// or postgresql://, not {url[:20]!r}"
        )
    return APP_DIR / url.removeprefix("sqlite:///")  # an absolute path replaces APP_DIR


@contextmanager
def transaction() -> Iterator[Connection]:
    """A unit of work that writes: committed when the block ends, rolled back if it raises.

    ::

        with db.transaction() as conn:
            conn.run("UPDATE todos SET done = ? WHERE id = ?", (True, todo_id))
    """
    with _connect(write=True) as conn:
        yield conn


@contextmanager
def read() -> Iterator[Connection]:
    """A unit of work that only reads: one consistent view of the data, no write lock."""
    with _connect(write=False) as conn:
        yield conn


def _connect(*, write: bool) -> AbstractContextManager[Connection]:
    url = database_url()
    return _postgres(url) if is_postgres(url) else _sqlite(url, write=write)


@contextmanager
def _sqlite(url: str, *, write: bool) -> Iterator[Connection]:
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: this code says BEGIN and COMMIT itself, instead of the module
    # guessing; timeout: wait up to 30 s for another worker's write lock rather than fail.
    with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as raw:
        raw.row_factory = sqlite3.Row
        raw.execute("PRAGMA foreign_keys = ON")
        conn = Connection(raw, postgres=False)
        if url not in _schema_ready:
            # WAL: readers do not wait for the writer. The setting sticks to the file.
            raw.execute("PRAGMA journal_mode = WAL")
            raw.execute("BEGIN IMMEDIATE")
            _create_tables(conn, SQLITE_TYPES)
            raw.execute("COMMIT")
            _schema_ready.add(url)
        # IMMEDIATE takes the write lock at once. A transaction that read first and wrote
        # later could find that another worker wrote in between, and fail instead of waiting.
        raw.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        except BaseException:
            # SQLite rolls some failures back by itself; a second ROLLBACK would hide them.
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")


@contextmanager
def _postgres(url: str) -> Iterator[Connection]:
    import psycopg
    from psycopg.rows import dict_row

    if url not in _schema_ready:
        # The context manager commits at the end, or rolls back on an exception.
        with psycopg.connect(url, row_factory=dict_row) as raw:
            # Workers starting together would race to create the same tables: take turns.
            raw.execute("SELECT pg_advisory_xact_lock(20250601)")
            _create_tables(Connection(raw, postgres=True), POSTGRES_TYPES)
        _schema_ready.add(url)
    with psycopg.connect(url, row_factory=dict_row) as raw:
        yield Connection(raw, postgres=True)


def _create_tables(conn: Connection, types: dict[str, str]) -> None:
    for statement in SCHEMA.format(**types).split(";"):
        if statement.strip():
            conn.execute(statement)
