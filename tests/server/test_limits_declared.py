"""Declaring limits: @limits(...), a page's body_size_limit, [rate_limits] store — and the
mistakes reported at start-up, naming the file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kite import create_app, limits
from kite.config import load_settings
from kite.exceptions import KiteError
from kite.sansio.ratelimit import Rate
from kite.server.limits import BodySize, declared_limits
from kite.server.ratestores import MemoryStore, SQLiteStore


def _app(tmp_path: Path, page_server: str, *, layout_server: str | None = None) -> Path:
    routes = tmp_path / "src" / "routes" / "form"
    routes.mkdir(parents=True)
    (routes / "+page.server.py").write_text(page_server, encoding="utf-8")
    (routes / "+page.html").write_text("<p>form</p>", encoding="utf-8")
    if layout_server is not None:
        (routes / "+layout.server.py").write_text(layout_server, encoding="utf-8")
    return tmp_path


def test_the_decorator_records_its_limits() -> None:
    def key(event: Any) -> str:
        return "k"

    @limits(body="10M", rate="5/minute", key=key)
    async def action(event: Any) -> None:
        return None

    declared = declared_limits(action)
    assert declared is not None
    assert declared.body == BodySize(10 * 1024 * 1024)
    assert declared.rate == Rate(limit=5, period=60, text="5/minute")
    assert declared.key is key
    assert declared_limits(lambda event: None) is None

    @limits(body="Infinity")
    def unlimited(event: Any) -> None:
        return None

    assert declared_limits(unlimited) == type(declared)(body=BodySize(None))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"body": "10X"}, "Invalid body '10X'"),
        ({"body": -1}, "Invalid body -1"),
        ({"rate": "5/fortnight"}, "invalid rate '5/fortnight'"),
        ({"key": str}, "needs a rate to count against"),
        ({"rate": "5/minute", "key": "email"}, "must be a function of the event"),
    ],
)
def test_bad_declarations_say_what_to_write(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        limits(**arguments)


def test_the_decorator_needs_a_function() -> None:
    with pytest.raises(TypeError, match="decorate a function"):
        limits(rate="1/second")(print)


def test_a_page_body_size_limit_that_cannot_be_read(tmp_path: Path) -> None:
    app_dir = _app(tmp_path, 'body_size_limit = "lots"\nactions = {"default": print}\n')
    with pytest.raises(KiteError, match=r"form/\+page\.server\.py: Invalid body_size_limit 'lots'"):
        create_app(app_dir)


def test_a_layout_cannot_set_body_size_limit(tmp_path: Path) -> None:
    app_dir = _app(tmp_path, "", layout_server='body_size_limit = "1M"\n')
    with pytest.raises(KiteError, match=r"\+layout\.server\.py: body_size_limit applies to a page"):
        create_app(app_dir)


@pytest.mark.parametrize(
    ("toml", "environ", "expected"),
    [
        ("", {}, "memory"),
        ('[rate_limits]\nstore = "sqlite:///data/app.db"\n', {}, "sqlite:///data/app.db"),
        (
            '[rate_limits]\nstore = "memory"\n',
            {"RATE_LIMIT_STORE": "redis://r:6379"},
            "redis://r:6379",
        ),
    ],
)
def test_the_store_setting(
    tmp_path: Path, toml: str, environ: dict[str, str], expected: str
) -> None:
    (tmp_path / "kite.toml").write_text(toml, encoding="utf-8")
    assert load_settings(tmp_path, environ=environ).rate_limit_store == expected


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[rate_limits]\nstore = "mysql://db"\n', "rate_limits.store 'mysql://db' names no store"),
        ('[rate_limits]\nbackend = "memory"\n', "unknown setting 'rate_limits.backend'"),
    ],
)
def test_bad_store_settings(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "kite.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(KiteError, match=message):
        load_settings(tmp_path, environ={})


def test_a_relative_sqlite_store_is_in_the_app_folder(tmp_path: Path) -> None:
    (tmp_path / "kite.toml").write_text('[rate_limits]\nstore = "sqlite:///rates.db"\n')
    app = create_app(_app(tmp_path, "actions = {}\n"))
    store = app.rate_limiter.store
    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / "rates.db"


def test_the_memory_store_forgets_expired_and_surplus_keys() -> None:
    rate = Rate(limit=1, period=60, text="1/minute")
    store = MemoryStore(max_keys=3)

    async def run() -> list[bool]:
        allowed = []
        for number in range(5):
            allowed.append((await store.hit(f"key{number}", rate, 1000.0)).allowed)
        # key0 and key1 were the least recently used: forgotten, so allowed again.
        allowed.append((await store.hit("key0", rate, 1001.0)).allowed)
        allowed.append((await store.hit("key4", rate, 1001.0)).allowed)
        return allowed

    assert asyncio.run(run()) == [True] * 5 + [True, False]
    assert len(store._keys) <= 3


def test_the_memory_store_forgets_keys_whose_period_has_passed() -> None:
    rate = Rate(limit=1, period=60, text="1/minute")
    store = MemoryStore()

    async def run() -> None:
        await store.hit("old", rate, 0.0)
        # 499 more attempts under other keys a minute later: the 500th sweeps "old" away.
        for number in range(499):
            await store.hit(f"new{number % 3}", rate, 61.0)

    asyncio.run(run())
    assert set(store._keys) == {"new0", "new1", "new2"}
