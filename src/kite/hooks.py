"""Composing `handle` hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from kite.server.calling import call_user, is_async

if TYPE_CHECKING:
    from starlette.responses import Response

    from kite.server.event import RequestEvent

__all__ = ["sequence"]

Resolve = Callable[["RequestEvent"], Awaitable["Response"]]
Handle = Callable[["RequestEvent", Resolve], Any]


def sequence(*handles: Handle) -> Handle:
    """Chain several `handle` functions: each one's `resolve` calls the next.

    ::

        handle = sequence(authenticate, add_security_headers)

    When every one is a plain `def`, the chain is one plain `handle`: they run one after the
    other in one worker thread, as a single plain `handle` would.
    """
    if not any(is_async(one) for one in handles):
        return _plain_sequence(handles)

    async def handle(event: RequestEvent, resolve: Resolve) -> Response:
        async def run(index: int, current: RequestEvent) -> Response:
            if index == len(handles):
                return await resolve(current)

            async def next_resolve(next_event: RequestEvent) -> Response:
                return await run(index + 1, next_event)

            response: Response = await call_user(
                handles[index], current, next_resolve, in_thread=True, keep_context=True
            )
            return response

        return await run(0, event)

    return handle


def _plain_sequence(handles: tuple[Handle, ...]) -> Handle:
    def handle(event: RequestEvent, resolve: Resolve) -> Any:
        def run(index: int, current: RequestEvent) -> Any:
            if index == len(handles):
                return resolve(current)
            return handles[index](current, lambda next_event: run(index + 1, next_event))

        return run(0, event)

    return handle
