"""Run `kite` as if the installed uvicorn, Starlette or Jinja lacked a part that Kite builds
on: `python without_internals.py uvicorn,starlette,jinja start APP --port N`.

Kite's guards (docs/architecture.md) look for those parts when Kite starts, and fall back to
the library's own way when one is missing; tests/server/test_guards.py starts real servers
through this script to see that they do, and that the server still answers correctly.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncGenerator
from typing import Any


def _without_uvicorn_internals() -> None:
    # Every part Kite's protocol needs is also used by uvicorn's own protocol, so none can
    # be taken away without breaking uvicorn itself: ask for one that no uvicorn has.
    import kite.server.protocol as protocol

    protocol.REQUIRED_METHODS = (*protocol.REQUIRED_METHODS, "_a_method_no_uvicorn_has")


def _without_starlette_internals() -> None:
    # A Starlette whose stream() no longer looks for a body read earlier in `_body`.
    from starlette.requests import ClientDisconnect, Request

    async def stream(self: Any) -> AsyncGenerator[bytes, None]:
        if self._stream_consumed:
            raise RuntimeError("Stream consumed")
        while not self._stream_consumed:
            message = await self._receive()
            if message["type"] == "http.request":
                self._stream_consumed = not message.get("more_body", False)
                if message.get("body", b""):
                    yield message["body"]
            elif message["type"] == "http.disconnect":
                raise ClientDisconnect()
        yield b""

    Request.stream = stream  # type: ignore[method-assign]


def _without_jinja_internals() -> None:
    # Only decorates Jinja's own methods when jinja2.compiler is first imported: taking it
    # away afterwards leaves Jinja working as before.
    import jinja2.compiler

    del jinja2.compiler.optimizeconst


def _without_uvicorn_supervisor() -> None:
    # As for the protocol: ask the supervisor for a method that no uvicorn has.
    import kite.server.supervisor as supervisor

    supervisor.REQUIRED_METHODS = (*supervisor.REQUIRED_METHODS, "handle_no_uvicorn_has")


# In this order: Starlette's and Jinja's parts go before Kite is imported (its guards look
# for them then), uvicorn's after (Kite looks for those when the server starts).
TAKE_AWAY = {
    "starlette": _without_starlette_internals,
    "jinja": _without_jinja_internals,
    "uvicorn": _without_uvicorn_internals,
    "supervisor": _without_uvicorn_supervisor,
}

if __name__ == "__main__":
    parts, *arguments = sys.argv[1:]
    for part, take_away in TAKE_AWAY.items():
        if part in parts.split(","):
            take_away()
    from kite.cli import main

    raise SystemExit(main(arguments))
