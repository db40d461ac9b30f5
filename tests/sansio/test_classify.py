"""What a request to a route is, decided once (kite.sansio.classify), as a table."""

from __future__ import annotations

import pytest

from kite.sansio.classify import PAGE_READ, Classified, RouteShape, classify

CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PAGE = RouteShape(has_page=True)
API = RouteShape(has_page=False, endpoint_methods=frozenset({"GET", "POST"}))
BOTH = RouteShape(has_page=True, endpoint_methods=frozenset({"GET", "POST", "PUT"}))
BOTH_FALLBACK = RouteShape(has_page=True, endpoint_methods=frozenset(), endpoint_fallback=True)

CASES = [
    # method, route, accept, content type, x-kite-render, x-sveltekit-action -> kind, json
    ("GET", PAGE, CHROME, None, False, False, "page", False),
    ("HEAD", PAGE, None, None, False, False, "page", False),
    ("GET", PAGE, JSON, None, False, False, "page", False),
    ("POST", PAGE, CHROME, FORM, False, False, "native_action", False),
    # No Accept is */*, as in SvelteKit: JSON comes first.
    ("POST", PAGE, None, FORM, False, False, "enhanced_action", True),
    ("POST", PAGE, JSON, FORM, False, True, "enhanced_action", True),
    ("POST", PAGE, JSON, "multipart/form-data; boundary=x", True, True, "enhanced_action", True),
    ("POST", PAGE, "text/html", JSON, True, False, "render_request", False),
    ("POST", PAGE, JSON, "Application/JSON; charset=utf-8", True, False, "render_request", True),
    # x-kite-render without a JSON body is the token of an action, not a render request.
    ("POST", PAGE, CHROME, FORM, True, False, "native_action", False),
    ("OPTIONS", PAGE, None, None, False, False, "options", False),
    ("PUT", PAGE, CHROME, FORM, False, False, "not_allowed", False),
    ("GET", None, CHROME, None, False, False, "not_found", False),
    ("GET", API, None, None, False, False, "endpoint", False),
    ("GET", API, JSON, None, False, False, "endpoint", True),
    ("POST", API, CHROME, FORM, False, False, "endpoint", False),
    # Beside a +server.py, browsers' navigations and form posts go to the page...
    ("GET", BOTH, CHROME, None, False, False, "page", False),
    ("POST", BOTH, CHROME, FORM, False, False, "native_action", False),
    ("POST", BOTH, JSON, FORM, False, True, "enhanced_action", True),
    # ...API clients to the endpoint, and a method only the endpoint has goes to it.
    ("GET", BOTH, JSON, None, False, False, "endpoint", True),
    ("POST", BOTH, JSON, JSON, False, False, "endpoint", True),
    ("PUT", BOTH, CHROME, JSON, False, False, "endpoint", False),
    ("HEAD", BOTH, JSON, None, False, False, "endpoint", True),
    ("DELETE", BOTH, JSON, None, False, False, "endpoint", True),
    # A fallback takes every method the page does not win.
    ("POST", BOTH_FALLBACK, JSON, FORM, False, False, "endpoint", True),
    ("POST", BOTH_FALLBACK, CHROME, FORM, False, False, "native_action", False),
]


@pytest.mark.parametrize(
    ("method", "route", "accept", "content_type", "render", "action", "kind", "wants_json"),
    CASES,
)
def test_classify(
    method: str,
    route: RouteShape | None,
    accept: str | None,
    content_type: str | None,
    render: bool,
    action: bool,
    kind: str,
    wants_json: bool,
) -> None:
    found = classify(
        method,
        route,
        accept=accept,
        content_type=content_type,
        render_header=render,
        sveltekit_action=action,
    )
    assert (found.kind, found.wants_json) == (kind, wants_json)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("accept", [None, CHROME, JSON])
def test_reading_a_page_needs_no_headers(method: str, accept: str | None) -> None:
    # respond.py takes PAGE_READ for these without reading the headers.
    assert classify(method, PAGE, accept=accept, content_type=JSON, render_header=True) == (
        PAGE_READ
    )


VALIDATE_CASES = [
    # method, route, accept, content type, x-kite-render -> kind, json
    ("POST", PAGE, JSON, FORM, False, "validate", True),
    ("POST", PAGE, None, "multipart/form-data; boundary=x", False, "validate", True),
    ("POST", PAGE, CHROME, FORM, False, "validate", False),
    # A render request stays one; a GET is a page read whatever it carries.
    ("POST", PAGE, JSON, JSON, True, "render_request", True),
    ("GET", PAGE, JSON, None, False, "page", False),
    # Beside a +server.py that handles POST, a JSON-preferring POST goes to the endpoint.
    ("POST", BOTH, JSON, FORM, False, "endpoint", True),
    ("POST", BOTH_FALLBACK, CHROME, FORM, False, "validate", False),
]


@pytest.mark.parametrize(
    ("method", "route", "accept", "content_type", "render", "kind", "wants_json"),
    VALIDATE_CASES,
)
def test_classify_with_x_kite_validate(
    method: str,
    route: RouteShape,
    accept: str | None,
    content_type: str | None,
    render: bool,
    kind: str,
    wants_json: bool,
) -> None:
    found = classify(
        method,
        route,
        accept=accept,
        content_type=content_type,
        render_header=render,
        validate_header=True,
    )
    assert (found.kind, found.wants_json) == (kind, wants_json)


def test_the_body_type_is_read_once() -> None:
    found = classify("POST", PAGE, accept=None, content_type="Text/Plain; charset=utf-8")
    assert found.media_type == "text/plain"
    assert classify("GET", PAGE, accept=None, content_type=None).media_type is None


def test_a_post_to_a_page_beside_an_endpoint_keeps_its_action_json() -> None:
    # An error the handle hook raises on such a POST is an ActionResult, as before.
    found = classify("POST", BOTH, accept=JSON, content_type=JSON)
    assert found == Classified(
        "endpoint", action_json=True, api_json=True, media_type=JSON, json_only=True
    )


@pytest.mark.parametrize(
    ("method", "route", "accept", "json_only"),
    [
        # SvelteKit answers a refused cross-site submission in JSON only for exactly this.
        ("POST", PAGE, JSON, True),
        ("POST", PAGE, " Application/JSON ", True),
        ("POST", PAGE, "application/json, text/html", False),
        ("POST", PAGE, None, False),
        ("POST", PAGE, CHROME, False),
        ("POST", None, JSON, True),
        ("PUT", API, JSON, True),
        ("DELETE", BOTH, "*/*", False),
    ],
)
def test_json_only(
    method: str, route: RouteShape | None, accept: str | None, json_only: bool
) -> None:
    found = classify(method, route, accept=accept, content_type=FORM)
    assert found.json_only is json_only


def test_the_value_is_frozen() -> None:
    found = classify("GET", PAGE, accept=None, content_type=None)
    with pytest.raises(AttributeError):
        found.kind = "endpoint"  # type: ignore[misc]
