"""Pages: run the loads, render the templates inside their layouts, and render the nearest
`+error.html` when something fails."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.responses import HTMLResponse, PlainTextResponse, Response

import kite.server.actions as actions
import kite.server.prg as prg
import kite.server.rerender as rerender
import kite.server.validation as validation
from kite import devalue
from kite.exceptions import Redirect, RequestError
from kite.server.csp import nonce_for
from kite.server.devpage import traceback_block
from kite.server.errors import PublicError, public_error
from kite.server.event import RequestEvent
from kite.server.load import LoadResult, run_loads
from kite.server.manifest import Folder, Route, options_of
from kite.server.modules import ServerModule
from kite.server.prepared import page_response
from kite.server.prerendering import for_loads, prerender_run
from kite.server.render import PageState, fallback_error_page

if TYPE_CHECKING:
    from kite.server.app import Kite

__all__ = ["handle_page", "render_error", "render_error_page", "render_page"]

logger = logging.getLogger("kite")


async def handle_page(app: Kite, event: RequestEvent, route: Route) -> Response:
    method = event.request.method
    if method in ("GET", "HEAD"):
        if app.prerendered.built and route.options.prerender is True:
            # As SvelteKit: a prerender = True page exists only as `kite build` wrote it.
            raise RequestError(
                404, f"Not found: {event.url.path} (prerender = True, not in the build)"
            )
        carried = prg.take_result(app, event, app.prg_sealer) if method == "GET" else None
        if carried is not None:
            response = await render_page(
                app, event, route, form=carried.data, status=carried.status
            )
            # Back to this entry later asks again, and finds no result: never a stale one.
            response.headers["cache-control"] = "no-store"
            return response
        return await render_page(app, event, route)
    if method == "POST":
        if rerender.is_render_request(event):
            return await rerender.handle_render_request(app, event, route)
        if validation.is_validate_request(event):
            return await validation.handle_validate(app, event, route)
        return await actions.handle_action(app, event, route)
    has_actions = route.actions is not None
    if method == "OPTIONS":
        allow = "GET, HEAD, OPTIONS" + (", POST" if has_actions else "")
        return Response(status_code=204, headers={"allow": allow})
    allow = ", ".join(["GET"] + (["POST"] if has_actions else []) + ["OPTIONS", "HEAD"])
    return PlainTextResponse(
        f"{method} method not allowed", status_code=405, headers={"allow": allow}
    )


def _nodes(route: Route) -> list[ServerModule | None]:
    return [folder.layout_server for folder in route.folders] + [route.page_server]


async def render_page(
    app: Kite,
    event: RequestEvent,
    route: Route,
    *,
    form: Any = None,
    status: int = 200,
    known: list[dict[str, Any]] | None = None,
    form_text: str | None = None,
) -> Response:
    """Run the loads of the page and render it; `form` is an action's data, if any.

    `known` is the data of the leading nodes from a data token: their loads do not run.
    `form_text` is `form` as devalue already wrote it (for an ActionResult), if it was.
    """
    run = prerender_run(event)
    loads_event = event if run is None else for_loads(event, run)
    loads = await run_loads(_nodes(route), loads_event, known or ())
    if loads.error is not None:
        assert loads.failed_at is not None
        if isinstance(loads.error, Redirect):
            from kite.server.respond import redirect_response

            return redirect_response(loads.error)
        return await render_error(
            app, event, route, loads.error, failed_at=loads.failed_at, loads=loads
        )
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
            app,
            event,
            templates,
            page,
            names,
            loads.data,
            form_text,
            csr=route.options.csr,
            seal=run is None,
        )
    except Exception as exc:
        return await render_error(app, event, route, exc, failed_at=page_index, loads=loads)
    return page_response(document, http_status(status))


def http_status(page_status: int) -> int:
    """A page rendered with `page.status` 204 (an enhanced success without data) still has a
    body, which HTTP forbids for 204, 205 and 304: it goes out as 200."""
    return 200 if page_status in (204, 205, 304) else page_status


# Only pages that the runtime can enhance need their data sealed (see runtime-design.md).
_ENHANCED_MARKERS = ("data-enhance", "use:enhance", "/_kite/")


def render_with_state(
    app: Kite,
    event: RequestEvent,
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

    def head(body: str) -> str:
        if not app.assets.enabled or not csr:
            return ""
        enhanced = seal and any(marker in body for marker in _ENHANCED_MARKERS)
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


def _serialized_form(app: Kite, form: Any) -> str | None:
    if form is None:
        return None
    try:
        return devalue.stringify(form, reducers=app.reducers)
    except devalue.DevalueError:
        logger.warning("form data of this page cannot be serialized for the runtime")
        return None


async def render_error(
    app: Kite,
    event: RequestEvent,
    route: Route | None,
    exc: BaseException,
    *,
    failed_at: int | None = None,
    loads: LoadResult | None = None,
) -> Response:
    """Answer with the nearest `+error.html` above the node that failed.

    `failed_at` indexes the route's folders (layouts), the page being one past the last.
    An action-JSON request gets an `error` ActionResult instead.
    """
    from kite.server.actions import is_action_json, json_error

    error = await public_error(app, exc, event)
    if route is not None and is_action_json(event, route):
        return json_error(app, event, error)
    return await render_error_page(app, event, route, error, failed_at=failed_at, loads=loads)


async def render_error_page(
    app: Kite,
    event: RequestEvent,
    route: Route | None,
    error: PublicError,
    *,
    failed_at: int | None = None,
    loads: LoadResult | None = None,
) -> Response:
    """The nearest `+error.html` above `failed_at` showing `error` (already made public,
    so that `handle_error` runs once), as HTML whatever the request prefers."""
    folders = route.folders if route is not None else [app.manifest.root]
    if failed_at is None:
        failed_at = len(folders)
    for level in range(min(failed_at, len(folders)) - 1, -1, -1):
        if folders[level].error_template is None:
            continue
        response = await _try_error_page(app, event, folders[: level + 1], error, loads)
        if response is not None:
            return response
    details = error.details or ""
    page = fallback_error_page(error.status, str(error.body.get("message", "")), details)
    return HTMLResponse(page, status_code=error.status, headers=error.headers)


async def _try_error_page(
    app: Kite,
    event: RequestEvent,
    folders: list[Folder],
    error: PublicError,
    loads: LoadResult | None,
) -> Response | None:
    """Render the error page of the last folder inside the layouts above it, or None when a
    layout load or the template fails (the caller then tries a boundary further up)."""
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
            app,
            event,
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
