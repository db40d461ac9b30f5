"""Where rate-limit counters live: in the process (one worker), or in a store every worker
and instance shares — the app's SQLite or PostgreSQL database, or Redis.

Every store does the same thing atomically: read the key's state, let
`kite.sansio.ratelimit.decide` judge the attempt, write the new state back. Shared stores
hold it in one table (or Redis key) per key; expired keys are deleted as they are met.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Any, Protocol

from kite.exceptions import KiteError
from kite.sansio.ratelimit import (
    Decision,
    Rate,
    RateState,
    decide,
    decode_state,
    encode_state,
    expires_after,
)

__all__ = ["MemoryStore", "PostgresStore", "RateStore", "RedisStore", "SQLiteStore", "open_store"]

TABLE = "kite_rate_limits"
# Every so many attempts a shared store deletes the keys that have expired.
_SWEEP_EVERY = 500


class RateStore(Protocol):
    async def hit(self, key: str, rate: Rate, now: float) -> Decision:
        """Judge one attempt under `key` at `now` (seconds since the epoch), and record it."""
        ...

    async def close(self) -> None:
        """Close the store's connection (at shutdown); the next attempt opens a new one."""
        ...


def _judge(rate: Rate, stored: str | bytes | None, now: float) -> tuple[str, float, Decision]:
    """The new state to store, when it expires (epoch seconds), and the decision."""
    state, decision = decide(rate, decode_state(stored), now)
    return encode_state(state), now + expires_after(rate, state, now), decision


class MemoryStore:
    """Counters in this process: right for one worker, per worker with several."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._keys: dict[str, tuple[RateState, float]] = {}
        self._hits = 0

    async def hit(self, key: str, rate: Rate, now: float) -> Decision:
        # No await between reading and writing: atomic on the event loop.
        state, _ = self._keys.pop(key, (RateState(), 0.0))
        state, decision = decide(rate, state, now)
        self._keys[key] = (state, now + expires_after(rate, state, now))
        self._hits += 1
        if self._hits % _SWEEP_EVERY == 0:
            self._forget_expired(now)
        # Still too many (a flood of distinct keys): forget the least recently used, one
        # at a time rather than scanning them all on every attempt.
        while len(self._keys) > self.max_keys:
            del self._keys[next(iter(self._keys))]
        return decision

    async def close(self) -> None:
        return None

    def _forget_expired(self, now: float) -> None:
        for key in [key for key, (_, expires) in self._keys.items() if expires <= now]:
            del self._keys[key]


class SQLiteStore:
    """Counters in a SQLite file that all workers on this machine open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._hits = 0

    async def hit(self, key: str, rate: Rate, now: float) -> Decision:
        return await asyncio.to_thread(self._hit, key, rate, now)

    async def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            # As the app's own database would be: a fresh checkout's data/ may not exist yet.
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} "
                "(key TEXT PRIMARY KEY, state TEXT NOT NULL, expires REAL NOT NULL)"
            )
            self._conn = conn
        return self._conn

    def _hit(self, key: str, rate: Rate, now: float) -> Decision:
        with self._lock:
            conn = self._connect()
            # IMMEDIATE: the write lock from the start, so that two workers never both read
            # the old state of one key.
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(f"SELECT state FROM {TABLE} WHERE key = ?", (key,)).fetchone()
                state, expires, decision = _judge(rate, row[0] if row else None, now)
                conn.execute(
                    f"INSERT INTO {TABLE} (key, state, expires) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET state = excluded.state, "
                    "expires = excluded.expires",
                    (key, state, expires),
                )
                self._hits += 1
                if self._hits % _SWEEP_EVERY == 0:
                    conn.execute(f"DELETE FROM {TABLE} WHERE expires < ?", (now,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return decision


class PostgresStore:
    """Counters in a PostgreSQL table that all workers and instances share."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401  (an optional dependency: only this store needs it)
        except ImportError:
            raise KiteError(
                "[rate_limits] store is a PostgreSQL URL, but psycopg is not installed: "
                "pip install 'psycopg[binary]'"
            ) from None
        self.url = url
        self._conn: Any = None
        self._lock = threading.Lock()
        self._hits = 0

    async def hit(self, key: str, rate: Rate, now: float) -> Decision:
        return await asyncio.to_thread(self._hit, key, rate, now)

    async def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _connect(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            conn = psycopg.connect(self.url, autocommit=True)
            # UniqueViolation: another worker created the table at the same moment.
            with contextlib.suppress(psycopg.errors.UniqueViolation):
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {TABLE} "
                    "(key TEXT PRIMARY KEY, state TEXT NOT NULL, expires DOUBLE PRECISION NOT NULL)"
                )
            self._conn = conn
        return self._conn

    def _hit(self, key: str, rate: Rate, now: float) -> Decision:
        with self._lock:
            conn = self._connect()
            try:
                with conn.transaction():
                    conn.execute(
                        f"INSERT INTO {TABLE} (key, state, expires) VALUES (%s, '', 0) "
                        "ON CONFLICT (key) DO NOTHING",
                        (key,),
                    )
                    # FOR UPDATE: other workers wait on this key's row until the commit.
                    row = conn.execute(
                        f"SELECT state FROM {TABLE} WHERE key = %s FOR UPDATE", (key,)
                    ).fetchone()
                    state, expires, decision = _judge(rate, row[0] if row else None, now)
                    conn.execute(
                        f"UPDATE {TABLE} SET state = %s, expires = %s WHERE key = %s",
                        (state, expires, key),
                    )
                    self._hits += 1
                    if self._hits % _SWEEP_EVERY == 0:
                        conn.execute(f"DELETE FROM {TABLE} WHERE expires < %s", (now,))
            except Exception:
                # A broken connection is opened anew by the next attempt.
                if conn.closed or conn.broken:
                    self._conn = None
                raise
            return decision


class RedisStore:
    """Counters in Redis, one key per rate-limit key, expiring by themselves."""

    def __init__(self, url: str) -> None:
        try:
            # An optional dependency: only this store needs it.
            import redis.asyncio
            import redis.exceptions
        except ImportError:
            raise KiteError(
                "[rate_limits] store is a Redis URL, but the redis package is not installed: "
                "pip install 'kite-web[redis]'"
            ) from None
        self.url = url
        self._client: Any = redis.asyncio.Redis.from_url(url)
        self._conflict = redis.exceptions.WatchError

    async def close(self) -> None:
        await self._client.aclose()

    async def hit(self, key: str, rate: Rate, now: float) -> Decision:
        name = f"kite:rate:{key}"
        async with self._client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    # WATCH/MULTI: if another worker writes the key in between, try again.
                    await pipe.watch(name)
                    stored = await pipe.get(name)
                    state, expires, decision = _judge(rate, stored, now)
                    pipe.multi()
                    pipe.set(name, state, px=max(1, round((expires - now) * 1000)))
                    await pipe.execute()
                    return decision
                except self._conflict:
                    continue


def open_store(kind: str, target: str, app_dir: Path) -> RateStore:
    """The store `[rate_limits] store` names (parsed by kite.sansio.ratelimit.parse_store).
    Nothing connects before the first attempt: workers open their own connections."""
    if kind == "sqlite":
        path = Path(target)
        return SQLiteStore(path if path.is_absolute() else app_dir / path)
    if kind == "postgresql":
        return PostgresStore(target)
    if kind == "redis":
        return RedisStore(target)
    return MemoryStore()
