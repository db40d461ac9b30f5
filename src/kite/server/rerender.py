"""Render requests from the browser runtime: the page again, with a given `form`, status or
error, without running any action (see docs/runtime-design.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import Response

import kite.server.page as page
from kite import devalue
from kite.exceptions import HttpError, RequestError
from kite.sansio import action_result
from kite.sansio.negotiation import media_type
from kite.server.errors import PublicError
from kite.server.event import URL, RequestEvent
from kite.server.load import run_loads
from kite.server.manifest import Route
from kite.server.prepared import PageResponse

if TYPE_CHECKING:
    from kite.server.app import Kite

__all__ = [
    "document_for_result",
    "error_document_for_result",
    "handle_render_request",
    "is_render_request",
]

RENDER_HEADER = "x-kite-render"


def is_render_request(event: RequestEvent) -> bool:
    headers = event.request.headers
    return RENDER_HEADER in headers and media_type(headers.get("content-type")) == (
        "application/json"
    )


def sealed_data(app: Kite, route: Route, token: object) -> list[dict[str, Any]]:
    """The data a data token holds for this route's leading nodes (all of them when it was
    sealed on the same page, the shared layouts when on another); empty when unusable."""
    if not isinstance(token, str) or token in ("", "1"):
        return []
    return app.sealer.open(token, route.node_names())


async def handle_render_request(app: Kite, event: RequestEvent, route: Route) -> Response:
    payload = await _payload(event)
    status = payload.get("status", 200)
    if type(status) is not int or not 200 <= status <= 599 or 300 <= status <= 399:
        raise RequestError(
            400, f"Render request: status must be 200–299 or 400–599, not {status!r}"
        )
    form = _form(app, payload.get("form"))
    refresh = payload.get("refresh", True)
    known = [] if refresh is not False else sealed_data(app, route, payload.get("token"))
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
        return await page.render_error(app, event, route, exc, failed_at=failed_at, loads=loads)
    response = await page.render_page(app, event, route, form=form, status=status, known=known)
    if form is not None and response.status_code >= 500 > status:
        await _check_form_fits(app, event, route, known)
    return response


async def _check_form_fits(
    app: Kite, event: RequestEvent, route: Route, known: list[dict[str, Any]]
) -> None:
    """The `form` of a render request comes from the browser, so it can hold what the page's
    templates never expect (a cycle, a set, a string for a dict). When the page renders
    without it, the fault is the request's: 400, not the 500 of a broken page."""
    without = await page.render_page(app, event, route, form=None, status=200, known=known)
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


def _form(app: Kite, text: object) -> Any:
    if text is None:
        return None
    if not isinstance(text, str):
        raise RequestError(400, "Render request: form must be a devalue string or null")
    try:
        form = devalue.parse(text, revivers=app.revivers)
    except ValueError as exc:
        raise RequestError(400, f"Render request: form is not valid devalue — {exc}") from None
    return None if form is devalue.UNDEFINED else form


def _page_event(event: RequestEvent) -> RequestEvent:
    """The action's event as its page sees it: the URL is the result's location, without
    the action key (what the browser's refresh or render request would ask for)."""
    location = action_result.result_location(event.url.path, event.url.query)
    return event.with_url(URL(f"{event.url.scheme}://{event.url.netloc}{location}"))


async def document_for_result(
    app: Kite,
    event: RequestEvent,
    route: Route,
    *,
    form: Any,
    status: int,
    reload: bool,
    form_text: str | None = None,
) -> str | None:
    """The page after an enhanced action, for the one-round-trip path: None when the page
    does not render as expected (a load redirected or failed), so the runtime falls back."""
    known = [] if reload else sealed_data(app, route, event.request.headers.get(RENDER_HEADER))
    page_event = _page_event(event)
    response = await page.render_page(
        app, page_event, route, form=form, status=status, known=known, form_text=form_text
    )
    if not isinstance(response, PageResponse):
        return None
    return bytes(response.body).decode("utf-8")


async def error_document_for_result(
    app: Kite, event: RequestEvent, route: Route, error: PublicError
) -> str | None:
    """The nearest error page for an enhanced action's error, as the render request with
    `error` would show it (layout data from the token where it holds it): None when no page
    could be rendered as HTML, so the runtime falls back."""
    page_event = _page_event(event)
    known = sealed_data(app, route, event.request.headers.get(RENDER_HEADER))
    layouts = [folder.layout_server for folder in route.folders]
    loads = await run_loads(layouts, page_event, known[: len(route.folders)])
    failed_at = len(route.folders)
    response = await page.render_error_page(
        app, page_event, route, error, failed_at=failed_at, loads=loads
    )
    if media_type(response.headers.get("content-type")) != "text/html":
        return None
    return bytes(response.body).decode("utf-8")
