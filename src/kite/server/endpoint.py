"""`+server.py` endpoints: one function per HTTP method, plus `fallback`."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

from kite.exceptions import Redirect
from kite.server.answer import endpoint_error
from kite.server.calling import call_user
from kite.server.context import RequestContext
from kite.server.modules import EndpointModule

__all__ = ["call_endpoint"]


async def call_endpoint(ctx: RequestContext, endpoint: EndpointModule) -> Response:
    """Call the handler of the request's method; an error goes out as JSON when the caller
    prefers JSON to HTML, else as the error page (kite.server.answer.endpoint_error)."""
    event = ctx.event
    method = event.request.method
    handler = endpoint.handlers.get(method)
    if handler is None and method == "HEAD":
        handler = endpoint.handlers.get("GET")
    if handler is None:
        handler = endpoint.fallback
    if handler is None:
        allowed = endpoint.allowed()
        if method == "OPTIONS":
            return Response(status_code=204, headers={"allow": ", ".join([*allowed, "OPTIONS"])})
        return PlainTextResponse(
            f"{method} method not allowed", status_code=405, headers={"allow": ", ".join(allowed)}
        )
    try:
        response = await call_user(handler, event, in_thread=True)
    except Redirect:
        raise
    except Exception as exc:
        return await endpoint_error(ctx, exc)
    if not isinstance(response, Response):
        error = TypeError(
            f"{method} in {endpoint.path} returned {type(response).__name__}, not a response: "
            "return kite.json(data), kite.text(body) or a starlette Response"
        )
        return await endpoint_error(ctx, error)
    return response
