"""`+server.py` endpoints: one function per HTTP method, plus `fallback`."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

from kite.exceptions import Redirect
from kite.server.answer import endpoint_error
from kite.server.calling import awaited_on_loop, call_user, is_async
from kite.server.context import RequestContext, Returned
from kite.server.modules import EndpointModule, Handler
from kite.server.tracebacks import forget_traceback

__all__ = ["call_ahead", "call_endpoint"]


async def call_endpoint(ctx: RequestContext, endpoint: EndpointModule) -> Response:
    """Call the handler of the request's method; an error goes out as JSON when the caller
    prefers JSON to HTML, else as the error page (kite.server.answer.endpoint_error)."""
    event = ctx.event
    method = event.request.method
    handler = _handler(endpoint, method)
    if handler is None:
        allowed = endpoint.allowed()
        if method == "OPTIONS":
            return Response(status_code=204, headers={"allow": ", ".join([*allowed, "OPTIONS"])})
        return PlainTextResponse(
            f"{method} method not allowed", status_code=405, headers={"allow": ", ".join(allowed)}
        )
    handled = ctx.ahead.take_handled()  # called already, in a plain handle's worker thread
    try:
        if handled is not None:
            response = handled.result()
        else:
            response = await call_user(handler, event, in_thread=True)
    except Redirect:
        raise
    except Exception as exc:
        forget_traceback(exc)
        return await endpoint_error(ctx, exc)
    if not isinstance(response, Response):
        error = TypeError(
            f"{method} in {endpoint.path} returned {type(response).__name__}, not a response: "
            "return kite.json(data), kite.text(body) or a starlette Response"
        )
        return await endpoint_error(ctx, error)
    return response


def call_ahead(ctx: RequestContext, endpoint: EndpointModule) -> None:
    """In a plain `handle`'s worker thread, as it calls `resolve(event)`: call a plain
    handler now (kite.server.ahead); `call_endpoint` then answers what it returned."""
    handler = _handler(endpoint, ctx.event.request.method)
    if handler is None or is_async(handler):
        return
    try:
        ctx.ahead.handled = Returned(awaited_on_loop(handler(ctx.event)))
    except Exception as exc:
        ctx.ahead.handled = Returned(error=exc)


def _handler(endpoint: EndpointModule, method: str) -> Handler | None:
    """The handler of `method`: its own, GET's for HEAD, else `fallback` (None: 405)."""
    handler = endpoint.handlers.get(method)
    if handler is None and method == "HEAD":
        handler = endpoint.handlers.get("GET")
    return handler if handler is not None else endpoint.fallback
