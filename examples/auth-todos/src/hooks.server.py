"""Runs around every request: who is signed in, a few safety headers, and what clients are
told when something breaks."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from kite import RequestEvent
from starlette.responses import Response

from lib import auth, db

logger = logging.getLogger("auth_todos")

SECURITY_HEADERS = {
    # Uploaded avatars are served back: browsers must take their content type as given.
    "x-content-type-options": "nosniff",
    # The forms here must not be framed by another site and clicked through invisibly.
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


async def handle(
    event: RequestEvent, resolve: Callable[[RequestEvent], Awaitable[Response]]
) -> Response:
    token = event.cookies.get(auth.SESSION_COOKIE)
    # In a thread: the query blocks, and the event loop serves other requests meanwhile.
    user = await asyncio.to_thread(auth.user_for_session, token) if token else None
    event.locals.user = user
    if token and user is None:
        # Expired, logged out elsewhere, or made up: stop the browser sending it.
        event.cookies.delete(auth.SESSION_COOKIE)
    response = await resolve(event)
    # Stricter than Kite's defaults (docs/settings.md, [security]): what this app wants wins.
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


def health() -> None:
    """Kite's health check (`GET /_kite/health`) answers 503 when this raises: the instance
    is up, but without its database it cannot serve anybody."""
    with db.read() as conn:
        conn.one("SELECT 1 AS ok")


def handle_error(
    error: BaseException, event: RequestEvent, status: int, message: str
) -> dict[str, Any]:
    if status < 500:
        return {"message": message}
    # Kite logs the traceback; this line ties it to the id the user can quote.
    error_id = secrets.token_hex(4)
    logger.error("error %s during %s %s", error_id, event.request.method, event.url.path)
    return {"message": "Sorry, something went wrong on our side.", "id": error_id}
