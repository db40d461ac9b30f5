"""Who is signed in: the `sessionid` cookie, looked up in the in-memory store. A plain `def
handle`, as docs/hooks.md shows it: it returns what `resolve` returns, and Kite awaits it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lib import SESSION_COOKIE, store
from starlette.responses import Response

from kite import RequestEvent


def handle(
    event: RequestEvent, resolve: Callable[[RequestEvent], Awaitable[Response]]
) -> Awaitable[Response]:
    event.locals.user = store.user_for_session(event.cookies.get(SESSION_COOKIE))
    return resolve(event)
