"""Who is signed in: the `sessionid` cookie, looked up in the in-memory store."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lib import SESSION_COOKIE, store
from starlette.responses import Response

from kite import RequestEvent


async def handle(
    event: RequestEvent, resolve: Callable[[RequestEvent], Awaitable[Response]]
) -> Response:
    event.locals.user = store.user_for_session(event.cookies.get(SESSION_COOKIE))
    return await resolve(event)
