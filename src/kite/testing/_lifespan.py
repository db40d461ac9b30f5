"""The ASGI lifespan protocol, from the server's side: start the app up and shut it down.

A test client runs the same start-up and shut-down that `kite start` (uvicorn) runs, so an
app (or the Starlette app that mounts one) gets its lifespan events in tests too.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message

__all__ = ["Lifespan", "LifespanError"]


class LifespanError(RuntimeError):
    """The app reported that its start-up or shut-down failed."""


class Lifespan:
    """Runs one lifespan of `app`: `await startup()`, requests, then `await shutdown()`."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        # An app may ignore lifespan (return at once): then there is nothing to shut down.
        self._running = False

    async def startup(self) -> None:
        self._task = asyncio.create_task(self._run())
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._from_app.get()
        if message["type"] == "lifespan.startup.complete":
            self._running = True
            return
        await self._task
        if message["type"] == "lifespan.startup.failed":
            raise LifespanError(f"the app's start-up failed: {message.get('message', '')}")

    async def shutdown(self) -> None:
        if not self._running or self._task is None:
            return
        self._running = False
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._from_app.get()
        await self._task
        if message["type"] == "lifespan.shutdown.failed":
            raise LifespanError(f"the app's shut-down failed: {message.get('message', '')}")

    async def _run(self) -> None:
        scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        try:
            await self._app(scope, self._to_app.get, self._from_app.put)
        finally:
            # Whatever waits for a message learns that none will come. An exception from the
            # app propagates when the task is awaited, with its own traceback.
            await self._from_app.put({"type": "lifespan.returned"})
