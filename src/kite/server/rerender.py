"""Render requests from the browser runtime: the page again, with a given `form`, status or
error, without running any action (see docs/runtime-design.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from kite import devalue
from kite.exceptions import HttpError, RequestError
from kite.server.answer import error_response, page_or_error
from kite.server.context import RequestContext
from kite.server.document import sealed_data
from kite.server.event import RequestEvent
from kite.server.load import run_loads

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["handle_render_request"]


async def handle_render_request(ctx: RequestContext) -> Response:
    """Render the page again as the payload asks; a request that prefers JSON gets an error
    as an ActionResult, as an action's would be."""
    site, event, route = ctx.site, ctx.event, ctx.page_route
    payload = await _payload(event)
    status = payload.get("status", 200)
    if type(status) is not int or not 200 <= status <= 599 or 300 <= status <= 399:
        raise RequestError(
            400, f"Render request: status must be 200–299 or 400–599, not {status!r}"
        )
    form = _form(site, payload.get("form"))
    refresh = payload.get("refresh", True)
    known = [] if refresh is not False else sealed_data(site, route, payload.get("token"))
    error = payload.get("error")
    if error is not None:
        if not isinstance(error, dict) or not isinstance(error.get("message", ""), str):
            raise RequestError(400, "Render request: error must be an object with a message")
        error_status = error.get("status", status)
        if type(error_status) is not int or not 400 <= error_status <= 599:
            error_status = 500
        body = {"message": error.get("message", ""), **error, "status": error_status}
        exc = HttpError(error_status, body)
        loads = await run_loads(
            [folder.layout_server for folder in route.folders], event, known[: len(route.folders)]
        )
        failed_at = len(route.folders)
        return await error_response(ctx, exc, failed_at=failed_at, loads=loads)
    response = await page_or_error(ctx, form=form, status=status, known=known)
    if form is not None and response.status_code >= 500 > status:
        await _check_form_fits(ctx, known)
    return response


async def _check_form_fits(ctx: RequestContext, known: list[dict[str, Any]]) -> None:
    """The `form` of a render request comes from the browser, so it can hold what the page's
    templates never expect (a cycle, a set, a string for a dict). When the page renders
    without it, the fault is the request's: 400, not the 500 of a broken page."""
    without = await page_or_error(ctx, form=None, status=200, known=known)
    if without.status_code < 500:
        raise RequestError(
            400, "Render request: the page cannot be rendered with this form (see the log)"
        )


async def _payload(event: RequestEvent) -> dict[str, Any]:
    try:
        payload = await event.request.json()
    except (ValueError, UnicodeDecodeError):
        raise RequestError(400, "Render request: the body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise RequestError(400, "Render request: the body must be a JSON object")
    return payload


def _form(app: Site, text: object) -> Any:
    if text is None:
        return None
    if not isinstance(text, str):
        raise RequestError(400, "Render request: form must be a devalue string or null")
    try:
        form = devalue.parse(text, revivers=app.revivers)
    except ValueError as exc:
        raise RequestError(400, f"Render request: form is not valid devalue — {exc}") from None
    return None if form is devalue.UNDEFINED else form
