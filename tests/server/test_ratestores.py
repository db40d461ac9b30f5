"""Every rate-limit store gives the same decisions for the same attempts: in memory, in a
SQLite file, in PostgreSQL and in Redis (real servers, started by the test run)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from support.postgres import PostgresCluster

from kite.sansio.ratelimit import Rate
from kite.server.ratestores import (
    MemoryStore,
    PostgresStore,
    RateStore,
    RedisStore,
    SQLiteStore,
)

THREE = Rate(limit=3, period=60, text="3/minute")
TIMES = [0.0, 1.0, 2.0, 3.0, 4.0, 60.5, 60.7]
EXPECTED = [(True, 0), (True, 0), (True, 0), (False, 57), (False, 56), (True, 0), (False, 1)]


def _decisions(store: RateStore) -> list[tuple[bool, int]]:
    key = uuid.uuid4().hex
    other = uuid.uuid4().hex

    async def run() -> list[tuple[bool, int]]:
        results = []
        for at in TIMES:
            decision = await store.hit(key, THREE, 1_000_000 + at)
            results.append((decision.allowed, decision.retry_after))
        # Another key is counted apart.
        assert (await store.hit(other, THREE, 1_000_062.0)).allowed
        await store.close()
        return results

    return asyncio.run(run())


def test_memory() -> None:
    assert _decisions(MemoryStore()) == EXPECTED


def test_sqlite(tmp_path: Path) -> None:
    # In a folder that does not exist yet: it is made.
    store = SQLiteStore(tmp_path / "data" / "rates.db")
    assert _decisions(store) == EXPECTED
    # Another process (here: another store on the same file) sees the same counts.
    again = SQLiteStore(tmp_path / "data" / "rates.db")

    async def one() -> bool:
        allowed = (await again.hit("shared", THREE, 5.0)).allowed
        await again.close()
        return allowed

    assert [asyncio.run(one()) for _ in range(4)] == [True, True, True, False]


def test_postgresql(postgres: PostgresCluster) -> None:
    assert _decisions(PostgresStore(postgres.create_database())) == EXPECTED


def test_redis(redis_url: str) -> None:
    assert _decisions(RedisStore(redis_url)) == EXPECTED


@pytest.mark.parametrize("make", [lambda: RedisStore("redis://127.0.0.1:1/0")])
def test_an_unreachable_store_fails_the_request_loudly(make: Callable[[], RateStore]) -> None:
    import redis

    with pytest.raises(redis.ConnectionError):
        _decisions(make())
