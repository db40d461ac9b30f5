"""Pages: what each method asks of a page route — GET renders it, POST runs an action,
answers a render request or a validation request, OPTIONS lists what it allows."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

import kite.server.prg as prg
from kite.exceptions import RequestError
from kite.server.actions import run_action
from kite.server.ahead import loads_after_action
from kite.server.answer import action_response, page_or_error
from kite.server.context import RequestContext
from kite.server.rerender import handle_render_request
from kite.server.validation import handle_validate

__all__ = ["handle_page"]


async def handle_page(ctx: RequestContext) -> Response:
    site, event, route, kind = ctx.site, ctx.event, ctx.page_route, ctx.kind
    method = event.request.method
    if kind.kind == "page":
        if site.prerendered.built and route.options.prerender is True:
            # As SvelteKit: a prerender = True page exists only as `kite build` wrote it.
            raise RequestError(
                404, f"Not found: {event.url.path} (prerender = True, not in the build)"
            )
        carried = prg.take_result(ctx) if method == "GET" else None
        if carried is not None:
            response = await page_or_error(ctx, form=carried.data, status=carried.status)
            # Back to this entry later asks again, and finds no result: never a stale one.
            response.headers["cache-control"] = "no-store"
            return response
        return await page_or_error(ctx)
    if kind.kind == "render_request":
        return await handle_render_request(ctx)
    if kind.kind == "validate":
        return await handle_validate(ctx)
    if kind.kind in ("native_action", "enhanced_action"):
        return await action_response(ctx, await run_action(ctx, loads_after_action))
    has_actions = route.actions is not None
    if kind.kind == "options":
        allow = "GET, HEAD, OPTIONS" + (", POST" if has_actions else "")
        return Response(status_code=204, headers={"allow": allow})
    allow = ", ".join(["GET"] + (["POST"] if has_actions else []) + ["OPTIONS", "HEAD"])
    return PlainTextResponse(
        f"{method} method not allowed", status_code=405, headers={"allow": allow}
    )
