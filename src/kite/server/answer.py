"""Answering: one place turns what happened into a response — an action's `Outcome`, a page
that did not render, an error — as HTML (the page, the nearest error page) or JSON (an
ActionResult, an endpoint's error), as the request's classification says."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from starlette.responses import JSONResponse, Response

import kite.server.prg as prg
from kite import devalue
from kite.exceptions import Redirect
from kite.sansio import action_result
from kite.sansio.classify import TOKEN_HEADER
from kite.server.actions import not_serializable
from kite.server.context import RequestContext
from kite.server.document import (
    PageFailure,
    document_for_result,
    error_document_for_result,
    render_error_page,
    render_page,
)
from kite.server.errors import PublicError, public_error
from kite.server.load import LoadResult
from kite.server.manifest import Route
from kite.server.outcome import Outcome
from kite.server.prepared import redirect_response
from kite.server.results import json_error, json_redirect, json_result, result_location

__all__ = ["action_response", "endpoint_error", "error_response", "page_or_error"]


async def action_response(ctx: RequestContext, outcome: Outcome) -> Response:
    """An action's outcome as an ActionResult (a request that prefers JSON) or as the page
    again."""
    route = ctx.page_route
    if ctx.kind.action_json:
        return await _json_response(ctx, route, outcome)
    # A native submission that succeeded or failed: post/redirect/get when the page uses it.
    data = None if outcome.data is devalue.UNDEFINED else outcome.data
    redirected = prg.redirect_after_post(
        ctx, route, kind=outcome.kind, status=outcome.status, data=data
    )
    if redirected is not None:
        return redirected
    return await _html_response(ctx, route, outcome)


async def page_or_error(
    ctx: RequestContext,
    *,
    form: Any = None,
    status: int = 200,
    known: list[dict[str, Any]] | None = None,
) -> Response:
    """The page (`render_page` with these), or what its failure is answered with: an
    error as an ActionResult when the request prefers JSON, else the error page."""
    rendered = await render_page(ctx, form=form, status=status, known=known)
    if isinstance(rendered, PageFailure):
        if isinstance(rendered.exc, Redirect):
            return redirect_response(rendered.exc)
        return await error_response(
            ctx, rendered.exc, failed_at=rendered.failed_at, loads=rendered.loads
        )
    return rendered


async def error_response(
    ctx: RequestContext,
    exc: BaseException,
    *,
    as_html: bool = False,
    failed_at: int | None = None,
    loads: LoadResult | None = None,
) -> Response:
    """`exc` made public (through handle_error), as an `error` ActionResult (on a route, to
    a request that prefers JSON, unless `as_html`) or the nearest `+error.html` above
    `failed_at`."""
    error = await public_error(ctx.site, exc, ctx.event)
    if ctx.route is not None and ctx.kind.action_json and not as_html:
        return json_error(ctx.site, ctx.event, error)
    return await render_error_page(ctx, error, failed_at=failed_at, loads=loads)


async def endpoint_error(ctx: RequestContext, exc: BaseException) -> Response:
    """API clients get the error as JSON; browsers get the error page."""
    if ctx.kind.api_json:
        error = await public_error(ctx.site, exc, ctx.event)
        return JSONResponse(error.body, status_code=error.status, headers=error.headers)
    # The root's error page, as SvelteKit answers a failed +server.js: not the page's.
    return await error_response(replace(ctx, route=None), exc)


def _is_falsy(value: Any) -> bool:
    """JavaScript's idea of falsy, which decides a success 'without data'."""
    if value is None or value is devalue.UNDEFINED or value is False:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0 or (isinstance(value, float) and math.isnan(value))
    return isinstance(value, str) and value == ""


async def _json_response(ctx: RequestContext, route: Route, outcome: Outcome) -> Response:
    site, event = ctx.site, ctx.event
    location = result_location(event)
    if outcome.kind == "redirect":
        assert isinstance(outcome.exc, Redirect)
        return json_redirect(site, outcome.exc)
    if outcome.kind == "error":
        assert outcome.exc is not None
        error = await public_error(site, outcome.exc, event)
        return json_error(site, event, error, await _error_document(ctx, error))
    if outcome.kind == "success" and _is_falsy(outcome.data):
        extra = await _document(ctx, None, None, status=204, reload=True)
        return json_result(site, action_result.success_result(location, None, extra), 200)
    data = devalue.UNDEFINED if outcome.data is None else outcome.data
    try:
        serialized = devalue.stringify(data, reducers=site.reducers)
    except devalue.DevalueError as exc:
        failure = TypeError(_serialization_message(route, exc))
        return json_error(site, event, await public_error(site, failure, event))
    form = None if data is devalue.UNDEFINED else data
    if outcome.kind == "success":
        extra = await _document(ctx, form, serialized, status=200, reload=True)
        return json_result(site, action_result.success_result(location, serialized, extra), 200)
    extra = await _document(ctx, form, serialized, status=outcome.status, reload=False)
    body = action_result.failure_result(outcome.status, location, serialized, extra)
    return json_result(site, body, outcome.status)


async def _document(
    ctx: RequestContext, form: Any, form_text: str | None, *, status: int, reload: bool
) -> dict[str, Any] | None:
    """Kite's runtime asks (x-kite-token) for the page in the same response. `form_text`
    is `form` as the ActionResult carries it: the page's state reuses it."""
    if TOKEN_HEADER not in ctx.event.request.headers:
        return None
    document = await document_for_result(
        ctx, form=form, status=status, reload=reload, form_text=form_text
    )
    return None if document is None else {"kite": {"document": document}}


async def _error_document(ctx: RequestContext, error: PublicError) -> dict[str, Any] | None:
    """The error page in the same response, when Kite's runtime asks for the page."""
    if TOKEN_HEADER not in ctx.event.request.headers:
        return None
    document = await error_document_for_result(ctx, error)
    return None if document is None else {"kite": {"document": document}}


def _serialization_message(route: Route, exc: devalue.DevalueError) -> str:
    path = getattr(exc, "path", "")
    where = f" (data{path})" if path else ""
    return f"{not_serializable(route)}: {exc}{where}"


async def _html_response(ctx: RequestContext, route: Route, outcome: Outcome) -> Response:
    if outcome.kind == "redirect":
        assert isinstance(outcome.exc, Redirect)
        return redirect_response(outcome.exc)
    if outcome.kind == "error":
        assert outcome.exc is not None
        return await error_response(ctx, outcome.exc, as_html=True, failed_at=len(route.folders))
    form = None if outcome.data is devalue.UNDEFINED else outcome.data
    return await page_or_error(ctx, form=form, status=outcome.status)
