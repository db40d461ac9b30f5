"""Documents: run the loads, render the templates inside their layouts with the runtime's
page state, and render the nearest `+error.html` when something fails."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse, Response

from kite import devalue
from kite.exceptions import Redirect
from kite.sansio.classify import TOKEN_HEADER
from kite.sansio.negotiation import media_type
from kite.server.context import RequestContext
from kite.server.csp import nonce_for
from kite.server.devpage import traceback_block
from kite.server.errors import PublicError, public_error
from kite.server.load import LoadResult, finish_loads, run_loads, start_loads
from kite.server.manifest import Folder, Route, options_of
from kite.server.prepared import PageResponse, page_response
from kite.server.prerendering import for_loads, prerender_run
from kite.server.render import PageState, fallback_error_page
from kite.server.tracebacks import forget_traceback

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = [
    "PageFailure",
    "document_for_result",
    "error_document_for_result",
    "http_status",
    "render_error_page",
    "render_page",
    "render_with_state",
    "sealed_data",
]

logger = logging.getLogger("kite")


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page that did not render: `exc` (a `Redirect` from a load, or an error) was raised
    by the node at `failed_at` (the route's folders, the page one past the last)."""

    exc: BaseException
    failed_at: int
    loads: LoadResult


async def render_page(
    ctx: RequestContext,
    *,
    form: Any = None,
    status: int = 200,
    known: list[dict[str, Any]] | None = None,
    form_text: str | None = None,
) -> PageResponse | PageFailure:
    """Run the loads of the page and render it; `form` is an action's data, if any.

    `known` is the data of the leading nodes from a data token: their loads do not run.
    `form_text` is `form` as devalue already wrote it (for an ActionResult), if it was.
    A load that fails or redirects, or a template that raises, comes back as a
    `PageFailure`, for the caller to answer (kite.server.answer).
    """
    event, route = ctx.event, ctx.page_route
    run = prerender_run(event)
    loads_event = event if run is None else for_loads(event, run)
    # Started already in the worker thread of a plain handle or action (kite.server.ahead).
    started = ctx.ahead.take_loads() if not known and run is None else None
    loads = await finish_loads(started or start_loads(route.load_nodes, loads_event, known or ()))
    if loads.error is not None:
        assert loads.failed_at is not None
        return PageFailure(loads.error, loads.failed_at, loads)
    page_index = len(route.folders)
    data = loads.merged(page_index)
    page = PageState(
        url=event.url,
        params=event.params,
        route=event.route,
        status=status,
        data=data,
        form=form,
        form_models=route.form_models,
    )
    templates: list[tuple[str | None, Any]] = [
        (folder.layout_template, loads.merged(index)) for index, folder in enumerate(route.folders)
    ]
    templates.append((route.page_template, data))
    try:
        names = route.node_names()
        document = render_with_state(
            ctx,
            templates,
            page,
            names,
            loads.data,
            form_text,
            csr=route.options.csr,
            seal=run is None,
        )
    except Exception as exc:
        forget_traceback(exc)
        return PageFailure(exc, page_index, loads)
    return page_response(document, http_status(status))


def http_status(page_status: int) -> int:
    """A page rendered with `page.status` 204 (an enhanced success without data) still has a
    body, which HTTP forbids for 204, 205 and 304: it goes out as 200."""
    return 200 if page_status in (204, 205, 304) else page_status


def render_with_state(
    ctx: RequestContext,
    templates: list[tuple[str | None, Any]],
    page: PageState,
    node_names: list[str],
    node_data: list[dict[str, Any]],
    form_text: str | None = None,
    body_suffix: str = "",
    *,
    csr: bool = True,
    seal: bool = True,
) -> str:
    """Render the document with the runtime's page state in its head; `node_names` and
    `node_data` are what its data token seals.

    `csr=False` (the page option) leaves the runtime out: no script at all. `seal=False`
    (a page `kite build` prerenders) leaves the token out: it would be sealed under the
    build's secret, not the server's.
    """
    app, event = ctx.site, ctx.event

    def head(body: str) -> str:
        if not app.assets.enabled or not csr:
            return ""
        enhanced = seal and app.renderer.enhances([name for name, _ in templates])
        token = app.sealer.seal(node_names, node_data) if enhanced else None
        state = {
            "url": event.url.path + (f"?{event.url.query}" if event.url.query else ""),
            "route": event.route.id,
            "params": dict(page.params),
            "status": page.status,
            "form": form_text or _serialized_form(app, page.form),
            "error": page.error,
            "dev": app.dev,
            "version": app.version,
        }
        if token is None:
            state["token"] = None
        policy = app.settings.csp
        # A prerendered page is the same for every visitor: no nonce (csp.py).
        nonce = nonce_for(event.request.scope) if policy and policy.uses_nonce and seal else None
        return app.assets.head(state, token, nonce)

    return app.renderer.render_document(templates, page, head=head, body_suffix=body_suffix)


def _serialized_form(app: Site, form: Any) -> str | None:
    if form is None:
        return None
    try:
        return devalue.stringify(form, reducers=app.reducers)
    except devalue.DevalueError:
        logger.warning("form data of this page cannot be serialized for the runtime")
        return None


async def render_error_page(
    ctx: RequestContext,
    error: PublicError,
    *,
    failed_at: int | None = None,
    loads: LoadResult | None = None,
) -> Response:
    """The nearest `+error.html` above `failed_at` showing `error` (already made public,
    so that `handle_error` runs once), as HTML whatever the request prefers."""
    route = ctx.route
    folders = route.folders if route is not None else [ctx.site.manifest.root]
    if failed_at is None:
        failed_at = len(folders)
    for level in range(min(failed_at, len(folders)) - 1, -1, -1):
        if folders[level].error_template is None:
            continue
        response = await _try_error_page(ctx, folders[: level + 1], error, loads)
        if response is not None:
            return response
    details = error.details or ""
    page = fallback_error_page(error.status, str(error.body.get("message", "")), details)
    return HTMLResponse(page, status_code=error.status, headers=error.headers)


async def _try_error_page(
    ctx: RequestContext,
    folders: list[Folder],
    error: PublicError,
    loads: LoadResult | None,
) -> Response | None:
    """Render the error page of the last folder inside the layouts above it, or None when a
    layout load or the template fails (the caller then tries a boundary further up)."""
    event = ctx.event
    if loads is None or len(loads.data) < len(folders):
        loads = await run_loads([folder.layout_server for folder in folders], event)
    if loads.failed_at is not None and loads.failed_at < len(folders):
        logger.error("load in a layout failed while rendering an error page: %r", loads.error)
        return None
    page = PageState(
        url=event.url,
        params=event.params,
        route=event.route,
        status=error.status,
        error=error.body,
        data=loads.merged(len(folders) - 1),
        form_models={
            form_id: model
            for folder in folders
            if folder.layout_server is not None
            for form_id, model in folder.layout_server.forms.items()
        },
    )
    templates: list[tuple[str | None, Any]] = [
        (folder.layout_template, loads.merged(index)) for index, folder in enumerate(folders)
    ]
    templates.append((folders[-1].error_template, page.data))
    suffix = traceback_block(error.details) if error.details else ""
    try:
        names = [folder.route_id for folder in folders]
        node_data = loads.data[: len(folders)]
        document = render_with_state(
            ctx,
            templates,
            page,
            names,
            node_data,
            body_suffix=suffix,
            csr=options_of(folders).csr,
        )
    except Exception:
        logger.exception("the error page %s failed to render", folders[-1].error_template)
        return None
    return HTMLResponse(document, status_code=error.status, headers=error.headers)


def sealed_data(app: Site, route: Route, token: object) -> list[dict[str, Any]]:
    """The data a data token holds for this route's leading nodes (all of them when it was
    sealed on the same page, the shared layouts when on another); empty when unusable."""
    if not isinstance(token, str) or token in ("", "1"):
        return []
    return app.sealer.open(token, route.node_names())


async def document_for_result(
    ctx: RequestContext,
    *,
    form: Any,
    status: int,
    reload: bool,
    form_text: str | None = None,
) -> str | None:
    """The page after an enhanced action, for the one-round-trip path: None when the page
    does not render as expected (a load redirected or failed), so the runtime falls back."""
    route = ctx.page_route
    token = ctx.event.request.headers.get(TOKEN_HEADER)
    known = [] if reload else sealed_data(ctx.site, route, token)
    rendered = await render_page(
        ctx.for_page(), form=form, status=status, known=known, form_text=form_text
    )
    if isinstance(rendered, PageFailure):
        if not isinstance(rendered.exc, Redirect):
            # Logged and shown to handle_error as any failed page is, though the runtime
            # fetches the page itself.
            await public_error(ctx.site, rendered.exc, ctx.event)
        return None
    return bytes(rendered.body).decode("utf-8")


async def error_document_for_result(ctx: RequestContext, error: PublicError) -> str | None:
    """The nearest error page for an enhanced action's error, as the render request with
    `error` would show it (layout data from the token where it holds it): None when no page
    could be rendered as HTML, so the runtime falls back."""
    route = ctx.page_route
    page = ctx.for_page()
    known = sealed_data(ctx.site, route, ctx.event.request.headers.get(TOKEN_HEADER))
    layouts = [folder.layout_server for folder in route.folders]
    loads = await run_loads(layouts, page.event, known[: len(route.folders)])
    failed_at = len(route.folders)
    response = await render_error_page(page, error, failed_at=failed_at, loads=loads)
    if media_type(response.headers.get("content-type")) != "text/html":
        return None
    return bytes(response.body).decode("utf-8")
