"""ActionResult responses: what a POST to a page gets when its `Accept` prefers JSON (an
enhanced submission, or `fetch`), as SvelteKit's `deserialize` reads it."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from kite.exceptions import Redirect
from kite.sansio import action_result
from kite.server.errors import PublicError
from kite.server.event import RequestEvent
from kite.server.prepared import json_response

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["json_error", "json_redirect", "json_result", "result_location"]


_result_location = functools.lru_cache(maxsize=256)(action_result.result_location)


def result_location(event: RequestEvent) -> str:
    return _result_location(event.url.path, event.url.query)


def json_result(
    app: Site, body: bytes, status: int, headers: dict[str, str] | None = None
) -> Response:
    # SvelteKit's client compares x-sveltekit-version with its own to notice a new deployment.
    if not headers:
        return json_response(body, status, app.version)
    headers = {**headers, "x-sveltekit-version": app.version}
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def json_redirect(app: Site, exc: Redirect) -> Response:
    return json_result(app, action_result.redirect_result(exc.status, exc.location), 200)


def json_error(
    app: Site, event: RequestEvent, error: PublicError, extra: dict[str, Any] | None = None
) -> Response:
    body = action_result.error_result(result_location(event), error.body, extra)
    return json_result(app, body, error.status, error.headers)
