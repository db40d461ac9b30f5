"""Answering: one place turns what happened into a response — an action's `Outcome`, a page
that did not render, an error — as HTML (the page, the nearest error page) or JSON (an
ActionResult, an endpoint's error), as the request's classification says."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response

import kite.server.prg as prg
from kite import devalue
from kite.exceptions import Redirect
from kite.sansio import action_result
from kite.sansio.classify import TOKEN_HEADER
from kite.server.actions import Outcome, not_serializable
from kite.server.document import (
    PageFailure,
    document_for_result,
    error_document_for_result,
    render_error_page,
    render_page,
)
from kite.server.errors import PublicError, public_error
from kite.server.event import RequestEvent
from kite.server.load import LoadResult
from kite.server.manifest import Route
from kite.server.prepared import redirect_response
from kite.server.results import json_error, json_redirect, json_result, result_location

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["action_response", "endpoint_error", "error_response", "page_or_error"]


async def action_response(
    app: Site, event: RequestEvent, route: Route, outcome: Outcome, *, as_json: bool
) -> Response:
    """An action's outcome as an ActionResult (`as_json`) or as the page again."""
    if as_json:
        return await _json_response(app, event, route, outcome)
    # A native submission that succeeded or failed: post/redirect/get when the page uses it.
    data = None if outcome.data is devalue.UNDEFINED else outcome.data
    redirected = prg.redirect_after_post(
        app, event, route, app.prg_sealer, kind=outcome.kind, status=outcome.status, data=data
    )
    if redirected is not None:
        return redirected
    return await _html_response(app, event, route, outcome)


async def page_or_error(
    app: Site,
    event: RequestEvent,
    route: Route,
    *,
    as_json: bool = False,
    form: Any = None,
    status: int = 200,
    known: list[dict[str, Any]] | None = None,
) -> Response:
    """The page (`render_page` with these), or what its failure is answered with."""
    rendered = await render_page(app, event, route, form=form, status=status, known=known)
    if isinstance(rendered, PageFailure):
        if isinstance(rendered.exc, Redirect):
            return redirect_response(rendered.exc)
        return await error_response(
            app,
            event,
            route,
            rendered.exc,
            as_json=as_json,
            failed_at=rendered.failed_at,
            loads=rendered.loads,
        )
    return rendered


async def error_response(
    app: Site,
    event: RequestEvent,
    route: Route | None,
    exc: BaseException,
    *,
    as_json: bool,
    failed_at: int | None = None,
    loads: LoadResult | None = None,
) -> Response:
    """`exc` made public (through handle_error), as an `error` ActionResult (`as_json`, on a
    route) or the nearest `+error.html` above `failed_at`."""
    error = await public_error(app, exc, event)
    if route is not None and as_json:
        return json_error(app, event, error)
    return await render_error_page(app, event, route, error, failed_at=failed_at, loads=loads)


async def endpoint_error(
    app: Site, event: RequestEvent, exc: BaseException, *, as_json: bool
) -> Response:
    """API clients get the error as JSON; browsers get the error page."""
    if as_json:
        error = await public_error(app, exc, event)
        return JSONResponse(error.body, status_code=error.status, headers=error.headers)
    return await error_response(app, event, None, exc, as_json=False)


def _is_falsy(value: Any) -> bool:
    """JavaScript's idea of falsy, which decides a success 'without data'."""
    if value is None or value is devalue.UNDEFINED or value is False:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0 or (isinstance(value, float) and math.isnan(value))
    return isinstance(value, str) and value == ""


async def _json_response(
    app: Site, event: RequestEvent, route: Route, outcome: Outcome
) -> Response:
    location = result_location(event)
    if outcome.kind == "redirect":
        assert isinstance(outcome.exc, Redirect)
        return json_redirect(app, outcome.exc)
    if outcome.kind == "error":
        assert outcome.exc is not None
        error = await public_error(app, outcome.exc, event)
        return json_error(app, event, error, await _error_document(app, event, route, error))
    if outcome.kind == "success" and _is_falsy(outcome.data):
        extra = await _document(app, event, route, None, None, status=204, reload=True)
        return json_result(app, action_result.success_result(location, None, extra), 200)
    data = devalue.UNDEFINED if outcome.data is None else outcome.data
    try:
        serialized = devalue.stringify(data, reducers=app.reducers)
    except devalue.DevalueError as exc:
        failure = TypeError(_serialization_message(route, exc))
        return json_error(app, event, await public_error(app, failure, event))
    form = None if data is devalue.UNDEFINED else data
    if outcome.kind == "success":
        extra = await _document(app, event, route, form, serialized, status=200, reload=True)
        return json_result(app, action_result.success_result(location, serialized, extra), 200)
    extra = await _document(
        app, event, route, form, serialized, status=outcome.status, reload=False
    )
    body = action_result.failure_result(outcome.status, location, serialized, extra)
    return json_result(app, body, outcome.status)


async def _document(
    app: Site,
    event: RequestEvent,
    route: Route,
    form: Any,
    form_text: str | None,
    *,
    status: int,
    reload: bool,
) -> dict[str, Any] | None:
    """Kite's runtime asks (x-kite-render) for the page in the same response. `form_text`
    is `form` as the ActionResult carries it: the page's state reuses it."""
    if TOKEN_HEADER not in event.request.headers:
        return None
    document = await document_for_result(
        app, event, route, form=form, status=status, reload=reload, form_text=form_text
    )
    return None if document is None else {"kite": {"document": document}}


async def _error_document(
    app: Site, event: RequestEvent, route: Route, error: PublicError
) -> dict[str, Any] | None:
    """The error page in the same response, when Kite's runtime asks for the page."""
    if TOKEN_HEADER not in event.request.headers:
        return None
    document = await error_document_for_result(app, event, route, error)
    return None if document is None else {"kite": {"document": document}}


def _serialization_message(route: Route, exc: devalue.DevalueError) -> str:
    path = getattr(exc, "path", "")
    where = f" (data{path})" if path else ""
    return f"{not_serializable(route)}: {exc}{where}"


async def _html_response(
    app: Site, event: RequestEvent, route: Route, outcome: Outcome
) -> Response:
    if outcome.kind == "redirect":
        assert isinstance(outcome.exc, Redirect)
        return redirect_response(outcome.exc)
    if outcome.kind == "error":
        assert outcome.exc is not None
        failed_at = len(route.folders)
        return await error_response(
            app, event, route, outcome.exc, as_json=False, failed_at=failed_at
        )
    form = None if outcome.data is devalue.UNDEFINED else outcome.data
    return await page_or_error(app, event, route, form=form, status=outcome.status)
