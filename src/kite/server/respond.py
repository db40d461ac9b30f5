"""The request pipeline: path checks → static files → route match → trailing slash →
prerendered pages → CSRF → `handle` hook → page, action or endpoint → cookies and headers
on whatever comes out."""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
from collections.abc import Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from kite.exceptions import Redirect, RequestError
from kite.forms.state import NO_FORMS
from kite.sansio import csrf
from kite.sansio.classify import (
    PAGE_READ,
    RENDER_HEADER,
    VALIDATE_HEADER,
    Classified,
    classify,
)
from kite.sansio.page_options import normalize_path
from kite.sansio.routing import decode_path
from kite.server.actions import read_ahead
from kite.server.ahead import work_ahead
from kite.server.answer import error_response
from kite.server.body import KiteRequest, limit_body
from kite.server.calling import call_user, in_worker_thread, is_async
from kite.server.context import RequestContext
from kite.server.cookies import Cookies
from kite.server.csp import apply_csp, script_hash
from kite.server.endpoint import call_endpoint
from kite.server.event import URL, RequestEvent, bind_event, route_of, unbind_event
from kite.server.flash import finish_flashes
from kite.server.manifest import Route
from kite.server.page import handle_page
from kite.server.prepared import redirect_response
from kite.server.results import json_redirect
from kite.server.security import add_security_headers
from kite.server.tracebacks import forget_traceback

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["respond"]

logger = logging.getLogger("kite")

# Where the request is kept in its scope, for `respond` to close it after the response.
_REQUEST_KEY = "kite.request"


async def respond(app: Site, scope: Scope, receive: Receive, send: Send) -> None:
    try:
        response = await _respond(app, scope, receive)
    except RequestError as exc:
        # Only what happens before an event exists lands here (a path that cannot be decoded).
        response = PlainTextResponse(exc.detail, status_code=exc.status)
        add_security_headers(response, app.settings.security_raw_headers, html_only=False)
    try:
        await response(scope, receive, send)
    finally:
        # Uploaded files are temporary files: close them once the response is sent (a
        # streamed response may still read one), not whenever they are garbage-collected.
        # Taken out of the scope, which the request holds in turn: left there, the two make
        # a reference cycle, and every request garbage for the collector to find
        # (docs/architecture.md, "Calm tails").
        request = scope.pop(_REQUEST_KEY, None)
        if request is not None:
            await request.close()


def _own_path(scope: Scope) -> tuple[str, str]:
    """The raw (percent-encoded) path below the app's mount point, and that mount point."""
    raw_path = scope.get("raw_path")
    raw = raw_path.decode("ascii") if raw_path else quote(scope["path"], safe="/%")
    root = quote(scope.get("root_path", ""), safe="/%")
    if root and raw.startswith(root) and raw[len(root) : len(root) + 1] in ("", "/"):
        raw = raw[len(root) :] or "/"
    return raw, root


async def _respond(app: Site, scope: Scope, receive: Receive) -> Response:
    try:
        raw, root = _own_path(scope)
        path = decode_path(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RequestError(400, f"Malformed URI: {exc}") from None
    if "\x00" in path or not raw.startswith("/"):
        raise RequestError(400, "Malformed URI: the path contains a NUL byte or is not absolute")
    header_size = sum(len(name) + len(value) for name, value in scope["headers"])
    if header_size > app.settings.max_header_size:
        raise RequestError(431, f"Request headers of {header_size} bytes exceed max_header_size")
    method = scope["method"]
    if method in ("GET", "HEAD"):
        if path == app.settings.health_path:
            return await app.health.response()
        if path.startswith("/_kite/"):
            asset = app.assets.response(path)
            if asset is None:
                raise RequestError(404, f"Not found: {path}")
            return asset
        static_file = app.static.lookup(path)
        if static_file is not None:
            return app.static.response(static_file)
    matched = app.manifest.match(path)
    # The route's trailing_slash option; a URL no route matches is treated as "never".
    trailing = matched[0].options.trailing_slash if matched is not None else "never"
    if raw.endswith("/") or trailing == "always":
        normalized = normalize_path(raw, trailing)
        if normalized != raw:
            # 308 whatever the method, as SvelteKit: the browser repeats a POST as a POST.
            query = scope.get("query_string", b"").decode("latin-1")
            location = root + normalized + (f"?{query}" if query else "")
            return RedirectResponse(location, status_code=308)
    if (
        matched is not None
        and method in ("GET", "HEAD")
        and app.prerendered.pages
        # Beside a +server.py the Accept header decides, which needs the whole pipeline.
        and matched[0].endpoint is None
    ):
        prerendered = app.prerendered.response(path)
        if prerendered is not None:
            if app.settings.csp is not None:
                hashes = (script_hash(app.assets.import_map),)
                apply_csp(prerendered, app.settings.csp, scope, prerendered_hashes=hashes)
            return add_security_headers(prerendered, app.settings.security_raw_headers)
    event = _make_event(app, scope, receive)
    route = None
    if matched is not None:
        route, event.params = matched
        event.route = route_of(route.id)
        event.form_context = app.form_contexts.get(route.id, NO_FORMS)
    ctx = RequestContext(app, event, _classify(event, route), route)
    token = bind_event(event)
    try:
        forbidden = _check_csrf(ctx)
        if forbidden is not None:
            return forbidden
        response = await _handle(ctx)
        finish_flashes(app.flash_sealer, event)
        return _finish(event, response)
    finally:
        unbind_event(token)


def _make_event(app: Site, scope: Scope, receive: Receive) -> RequestEvent:
    scheme, host, client = _trusted_origin_parts(app, scope)
    if host is None:
        raise RequestError(400, "Bad Request: the Host header is missing or malformed")
    query = scope.get("query_string", b"").decode("latin-1")
    raw_path = scope.get("raw_path", b"").decode("ascii") or quote(scope["path"], safe="/%")
    url = URL(f"{scheme}://{host}{raw_path}" + (f"?{query}" if query else ""))
    limited = limit_body(receive, scope, app.settings.body_size_limit)
    request = KiteRequest(scope, limited)
    request.body_limit = limited
    scope[_REQUEST_KEY] = request
    request.form_limits = app.form_limits
    cookies = Cookies(
        request.headers.get("cookie"),
        # Behind a proxy that says nothing, ORIGIN=https://… is what tells that the browser
        # is on https: its cookies must be Secure.
        url_scheme=app.origin_scheme or scheme,
        url_host=host,
        url_path=url.path,
        dev=app.dev,
    )
    return RequestEvent(request, url=url, cookies=cookies, client_address=client)


def _trusted_origin_parts(app: Site, scope: Scope) -> tuple[str, str | None, str]:
    client = scope.get("client")
    peer = client[0] if client else ""
    scheme = scope.get("scheme", "http")
    host = next(
        (value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), None
    )
    if app.settings.proxy_trusted_hosts and _is_trusted(peer, app.settings.proxy_trusted_hosts):
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        forwarded_proto = headers.get("x-forwarded-proto")
        if forwarded_proto:
            scheme = forwarded_proto.split(",")[0].strip().lower()
        forwarded_host = headers.get("x-forwarded-host")
        if forwarded_host:
            host = forwarded_host.split(",")[0].strip()
        forwarded_for = headers.get("x-forwarded-for")
        if forwarded_for:
            peer = _client_from_forwarded(forwarded_for, app.settings.proxy_trusted_hosts, peer)
    if scheme not in ("http", "https"):
        scheme = "http"
    if host is None and scope.get("server"):
        server_host, server_port = scope["server"]
        host = f"{server_host}:{server_port}"
    if host is not None and not _valid_host(host):
        host = None
    return scheme, host, peer


def _client_from_forwarded(value: str, trusted: tuple[str, ...], peer: str) -> str:
    # The right-most address that is not a trusted proxy is the client.
    for address in reversed([part.strip() for part in value.split(",") if part.strip()]):
        if not _is_trusted(address, trusted):
            return address
    return peer


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    if "*" in trusted or address in trusted:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        if "/" in entry:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False


@functools.lru_cache(maxsize=256)  # an app answers to a few hosts; bounded for the others
def _valid_host(host: str) -> bool:
    """A name or an address, then an optional port: what the URL parser and the Origin check
    accept later ("127.[.0.1" or "x:99999" would fail there, as a 500)."""
    match = _HOST.fullmatch(host) if len(host) <= 255 else None
    if match is None:
        return False
    name, port = match.groups()
    if port and int(port) > 65535:
        return False
    if name.startswith("["):
        try:
            ipaddress.IPv6Address(name[1:-1])
        except ValueError:
            return False
    return True


_HOST = re.compile(r"([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{0,5}))?")


@functools.lru_cache(maxsize=256)  # one or a few per app; bounded for the others
def _origin_of(scheme: str, netloc: str) -> str:
    return csrf.origin_of(f"{scheme}://{netloc}")


def _check_csrf(ctx: RequestContext) -> Response | None:
    app, event = ctx.site, ctx.event
    settings = app.settings
    request = event.request
    if not settings.csrf_check_origin or request.method in ("GET", "HEAD", "OPTIONS"):
        # Reads are never checked: no need to work out our own origin for them.
        return None
    own = settings.origin or _origin_of(event.url.scheme, event.url.netloc)
    origin = request.headers.get("origin")
    if not csrf.is_forbidden_type(
        method=request.method,
        media_type=ctx.kind.media_type,
        origin=origin,
        own_origin=own,
        trusted_origins=settings.csrf_trusted_origins,
    ):
        return None
    message = csrf.forbidden_message(request.method)
    explanation = (
        f"expected Origin {own}, received {origin or 'no Origin header'}; if this site is "
        "reached through another origin, set origin or csrf.trusted_origins in kite.toml"
    )
    logger.warning("%s: %s", message, explanation)
    if ctx.kind.json_only:
        body = {"message": message}
        if app.dev:
            body["detail"] = explanation
        return JSONResponse(body, status_code=403)
    return PlainTextResponse(message + (f"\n\n{explanation}" if app.dev else ""), status_code=403)


def _classify(event: RequestEvent, route: Route | None) -> Classified:
    """What this request is: decided here once, from its method and headers."""
    method = event.request.method
    if route is not None and route.endpoint is None and method in ("GET", "HEAD"):
        return PAGE_READ
    headers = event.request.headers
    return classify(
        method,
        route.shape if route is not None else None,
        accept=headers.get("accept"),
        content_type=headers.get("content-type"),
        render_header=RENDER_HEADER in headers,
        sveltekit_action=headers.get("x-sveltekit-action") == "true",
        validate_header=headers.get(VALIDATE_HEADER) == "1",
    )


async def _handle(ctx: RequestContext) -> Response:
    app, event, kind = ctx.site, ctx.event, ctx.kind

    def resolve(resolved_event: RequestEvent) -> Coroutine[Any, Any, Response]:
        # The hook may pass another event on: the request goes on with that one.
        if resolved_event is not event:
            return _resolved(replace(ctx, event=resolved_event))
        if in_worker_thread():
            # A plain `handle` calls this in its worker thread: the request's plain work
            # starts here, in the same thread (kite.server.ahead), for the event whose body
            # was read ahead.
            work_ahead(ctx)
        return _resolved(ctx)

    hook = app.hooks.handle
    try:
        if hook is None:
            return await resolve(event)
        if not is_async(hook):
            await read_ahead(ctx)
        response = await call_user(hook, event, resolve, in_thread=True, keep_context=True)
        if not isinstance(response, Response):
            raise TypeError(
                f"handle() in {app.hooks.path} returned {type(response).__name__}; it must "
                "return the response: `return await resolve(event)`"
            )
        return response
    except Redirect as exc:
        forget_traceback(exc)
        if kind.kind != "endpoint" and kind.action_json:
            return json_redirect(app, exc)
        return redirect_response(exc)
    except Exception as exc:
        forget_traceback(exc)
        return _secured(app, event, await error_response(ctx, exc))


async def _resolved(ctx: RequestContext) -> Response:
    # Added before `handle` sees the response, so that the hook can change or drop them.
    return _secured(ctx.site, ctx.event, await _dispatch(ctx))


async def _dispatch(ctx: RequestContext) -> Response:
    event, route = ctx.event, ctx.route
    if route is None:
        raise RequestError(404, f"Not found: {event.url.path}")
    if ctx.kind.kind == "endpoint":
        assert route.endpoint is not None  # classify() said so
        response = await call_endpoint(ctx, route.endpoint)
    else:
        response = await handle_page(ctx)
    if route.endpoint is not None and route.has_page and event.request.method in ("GET", "HEAD"):
        vary = response.headers.get("vary", "")
        if "accept" not in vary.lower() and vary != "*":
            response.headers["vary"] = f"{vary}, Accept" if vary else "Accept"
    return response


def _secured(app: Site, event: RequestEvent, response: Response) -> Response:
    headers = app.settings.security_raw_headers
    if app.settings.csp is not None:
        apply_csp(response, app.settings.csp, event.request.scope, kept=event.response_headers)
    return add_security_headers(response, headers, kept=event.response_headers)


def _finish(event: RequestEvent, response: Response) -> Response:
    for name, value in event.response_headers.items():
        if name not in response.headers:
            response.headers[name] = value
    for header in event.cookies.set_cookie_headers():
        response.raw_headers.append((b"set-cookie", header.encode("latin-1")))
    return response
