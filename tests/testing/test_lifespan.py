"""The test clients run the app's lifespan: start-up before the first request, shut-down at
close, for a Kite app mounted in a Starlette app as for one on its own."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from support import APPS

import kite
from kite.testing import AsyncClient, Client, LifespanError

APP = APPS / "testing"


def mounted(events: list[str], fail: bool = False) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        if fail:
            raise RuntimeError("the database is down")
        yield
        events.append("shutdown")

    return Starlette(routes=[Mount("/", app=kite.create_app(APP))], lifespan=lifespan)


def test_startup_and_shutdown_run_around_the_clients_life() -> None:
    events: list[str] = []
    with Client(mounted(events)) as client:
        assert events == ["startup"]
        assert "<h1>Home</h1>" in client.get("/").text
        # Not a Kite app itself: the default origin, which the mounted app accepts.
        assert client.action("/login", "login", {"name": "Ada"}).status_code == 200
        assert events == ["startup"]
    assert events == ["startup", "shutdown"]


def test_a_failing_startup_raises_the_apps_exception() -> None:
    client = Client(mounted([], fail=True))
    with pytest.raises(RuntimeError, match="the database is down"):
        client.start()
    client.close()


async def _refusing_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    # An ASGI app that reports a failed start-up without raising, as the protocol allows.
    assert scope["type"] == "lifespan"
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no config"})


def test_a_startup_failure_message_is_reported() -> None:
    client = Client(_refusing_app)
    with pytest.raises(LifespanError, match="start-up failed: no config"):
        client.start()
    client.close()


def test_the_async_client_runs_the_lifespan_and_submits_actions() -> None:
    events: list[str] = []

    async def main() -> None:
        async with AsyncClient(mounted(events)) as client:
            assert events == ["startup"]
            page = await client.get("/login")
            assert page.status_code == 200
            response = await client.action("/login", "login", {"name": "Ada"}, enhanced=True)
            assert response.result.data == {"welcome": "Ada"}
            assert client.cookies["user"] == "Ada"
            assert "Signed in as Ada" in (await client.get("/login")).text
            leave = await client.action("/outcomes", "leave")
            assert (leave.status_code, leave.location) == (303, "/landing")
            followed = await client.action("/outcomes", "leave", follow_redirects=True)
            assert "<h1>Landed</h1>" in followed.text
            refused = await client.post(
                "/echo", data={"a": "1"}, headers={"Origin": "https://evil.example"}
            )
            assert refused.status_code == 403
        assert events == ["startup", "shutdown"]

    asyncio.run(main())
