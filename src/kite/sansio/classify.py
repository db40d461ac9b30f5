"""What a request to a route is, decided once from its method, headers and the route's shape.

The pipeline asks this before it dispatches; nothing after it parses `Accept` or
`Content-Type` again to decide what to run or whether to answer in JSON.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from kite.sansio.negotiation import media_type, negotiate

__all__ = [
    "PAGE_READ",
    "RENDER_HEADER",
    "TOKEN_HEADER",
    "VALIDATE_HEADER",
    "Classified",
    "Kind",
    "RouteShape",
    "classify",
]

# Kite's runtime sends one header or the other (docs/runtime-design.md): with an action, the
# page's data token (or "1"), asking for the page in the same response; on its own request
# for a page rendered with a given form, status or error, the render header.
TOKEN_HEADER = "x-kite-token"
RENDER_HEADER = "x-kite-render"
# Live validation (kite.server.validation): `x-kite-validate: 1` on a POST of the form's
# fields asks whether they are valid; neither the action nor any load runs.
VALIDATE_HEADER = "x-kite-validate"

Kind = Literal[
    "page",  # GET or HEAD of a page: render it
    "native_action",  # a form POST from a browser without the runtime: answer with the page
    "enhanced_action",  # a POST that prefers JSON (use:enhance, fetch): answer an ActionResult
    "render_request",  # the runtime asks for the page again with a given form or error
    "validate",  # the runtime asks whether a form's fields are valid (live validation)
    "endpoint",  # a +server.py handler (or its fallback) answers
    "options",  # OPTIONS of a page: what it allows
    "not_allowed",  # another method on a page: 405
    "not_found",  # no route matches
]


@dataclass(frozen=True, slots=True)
class RouteShape:
    """What classification needs to know of the matched route."""

    has_page: bool
    # The methods its +server.py handles, None without one.
    endpoint_methods: frozenset[str] | None = None
    endpoint_fallback: bool = False


@dataclass(frozen=True, slots=True)
class Classified:
    kind: Kind
    # A POST to a page whose Accept prefers JSON: an action result, errors included, goes
    # out as an ActionResult.
    action_json: bool = False
    # An endpoint's caller prefers JSON to HTML (no Accept counts as HTML): its errors go
    # out as JSON rather than as the error page.
    api_json: bool = False
    # The body's media type, lower-cased, without parameters (None without Content-Type).
    media_type: str | None = None
    # `Accept` is exactly `application/json`: a refused cross-site submission is answered
    # in JSON only then, as SvelteKit does (kite.server.respond).
    json_only: bool = False

    @property
    def wants_json(self) -> bool:
        """Whether what this request is answered with is JSON rather than HTML."""
        return self.api_json if self.kind == "endpoint" else self.action_json


# What every GET or HEAD of a page without a +server.py is, whatever its headers: the
# pipeline takes it without reading them (the most common request costs nothing here).
PAGE_READ = Classified("page")


# A handful of distinct Accept and Content-Type headers reach an app: decided once each
# (bounded, so that a client sending endless variants only evicts entries).
@functools.lru_cache(maxsize=512)
def classify(
    method: str,
    route: RouteShape | None,
    *,
    accept: str | None,
    content_type: str | None,
    render_header: bool = False,
    sveltekit_action: bool = False,
    validate_header: bool = False,
) -> Classified:
    """Classify one request: `render_header` is whether `x-kite-render` is present,
    `sveltekit_action` whether `x-sveltekit-action: true` is, `validate_header` whether
    `x-kite-validate: 1` is."""
    body_type = media_type(content_type)
    json_only = (accept or "").strip().lower() == "application/json"
    if route is None:
        return Classified("not_found", media_type=body_type, json_only=json_only)
    action_json = (
        method == "POST"
        and route.has_page
        and negotiate(accept, ["application/json", "text/html"]) == "application/json"
    )
    if route.endpoint_methods is not None and (
        not route.has_page or not _page_wins(method, route, accept, sveltekit_action)
    ):
        api_json = (
            negotiate(accept or "text/html", ["application/json", "text/html"])
            == "application/json"
        )
        return Classified("endpoint", action_json, api_json, body_type, json_only)
    kind = _page_kind(method, body_type, render_header, validate_header, action_json)
    if kind == "page":
        return PAGE_READ
    return Classified(kind, action_json, False, body_type, json_only)


def _page_kind(
    method: str,
    body_type: str | None,
    render_header: bool,
    validate_header: bool,
    action_json: bool,
) -> Kind:
    if method in ("GET", "HEAD"):
        return "page"
    if method == "POST":
        if render_header and body_type == "application/json":
            return "render_request"
        if validate_header:
            return "validate"
        return "enhanced_action" if action_json else "native_action"
    return "options" if method == "OPTIONS" else "not_allowed"


def _page_wins(method: str, route: RouteShape, accept: str | None, sveltekit_action: bool) -> bool:
    """Beside a +server.py, browsers' navigations and form posts go to the page."""
    if method not in ("GET", "HEAD", "POST"):
        return False
    if method == "POST" and sveltekit_action:
        return True
    if negotiate(accept, ["*/*", "text/html"]) == "text/html":
        return True
    if route.endpoint_fallback:
        return False
    methods = route.endpoint_methods or frozenset()
    if method == "HEAD":
        return not ({"HEAD", "GET"} & methods)
    return method not in methods
