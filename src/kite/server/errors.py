"""Turning an exception into the public error body and status, through `handle_error`."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kite.exceptions import HttpError, RequestError
from kite.server.calling import call_user

if TYPE_CHECKING:
    from kite.server.event import RequestEvent
    from kite.server.site import Site

__all__ = ["PublicError", "public_error"]

logger = logging.getLogger("kite")


@dataclass
class PublicError:
    status: int
    body: dict[str, Any]
    details: str | None = None  # the traceback, shown only in dev
    headers: dict[str, str] | None = None


async def public_error(app: Site, exc: BaseException, event: RequestEvent | None) -> PublicError:
    """The status and body a client sees for `exc`.

    `error(...)` bodies go out as given. Everything else goes through `handle_error` from
    hooks.server.py, or becomes `{"message": "Internal Error"}` (the reason phrase for Kite's
    own 4xx errors); the detail goes to the log.
    """
    if isinstance(exc, HttpError):
        return PublicError(exc.status, dict(exc.body))
    headers = None
    details = None
    if isinstance(exc, RequestError):
        status, message = exc.status, exc.text
        headers = exc.headers or None
        if exc.hint is None:
            logger.info("%s %s: %s", status, _where(event), exc.detail)
        else:
            details = f"{exc.detail}\n\n{exc.hint}"
            logger.warning("%s %s: %s", status, _where(event), details)
    else:
        status, message = 500, "Internal Error"
        details = "".join(traceback.format_exception(exc))
        logger.error("Unexpected error in %s\n%s", _where(event), details)
    body = await _from_hook(app, exc, event, status, message)
    hook_status = body.get("status")
    if type(hook_status) is int and 400 <= hook_status <= 599:
        status = hook_status
    body["status"] = status
    return PublicError(status, body, details if app.dev else None, headers)


async def _from_hook(
    app: Site, exc: BaseException, event: RequestEvent | None, status: int, message: str
) -> dict[str, Any]:
    hook = app.hooks.handle_error
    if hook is None or event is None:
        return {"message": message}
    try:
        result = await call_user(hook, exc, event, status, message, in_thread=True)
    except Exception:
        logger.exception("handle_error in %s raised while handling an error", app.hooks.path)
        return {"message": "Internal Error"}
    if result is None:
        return {"message": message}
    if not isinstance(result, dict):
        logger.error(
            "handle_error in %s returned %s; it must return a dict such as "
            '{"message": "..."} (or None for the default)',
            app.hooks.path,
            type(result).__name__,
        )
        return {"message": message}
    return dict(result)


def _where(event: RequestEvent | None) -> str:
    if event is None:
        return "a request"
    return f"{event.request.method} {event.url.path} (route {event.route.id})"
