"""Redirects built from user input (`?redirectTo=` in a hook or an action) never send the
browser to another origin unless the app listed it: `redirect()` refuses, the answer is an
error without a `Location`, and the app can catch the refusal to fall back to a page of its
own."""

from __future__ import annotations

import string
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability.hostile_client import FUZZ, HOSTILE_APP, SENT, raw_exchange
from support.servers import ServeApp, Server

HOSTILE_LOCATIONS = [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example",
    "http://evil.example:80/",
    "HTTPS://EVIL.EXAMPLE",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://partner.example.evil.example/",
    "https://partner.example@evil.example/",
    "http:evil.example",
    "https:/\\evil.example",
]


@pytest.fixture(scope="module")
def app(served_app: ServeApp) -> Server:
    return served_app(HOSTILE_APP)


def get(server: Server, target: str, **kwargs: object) -> httpx.Response:
    SENT["redirect"] += 1
    return server.client.get(target, timeout=20, **kwargs)  # type: ignore[arg-type]


def leaves_the_site(server: Server, location: str) -> bool:
    """Whether a browser following `location` from the app's pages ends up elsewhere."""
    # Browsers read "\" as "/" and drop tabs and newlines in URLs.
    cleaned = location.strip().replace("\\", "/").translate({9: None, 10: None, 13: None})
    if cleaned.startswith("//"):
        return True
    parts = urlsplit(cleaned)
    if not parts.scheme:
        return False
    return f"{parts.scheme}://{parts.netloc}".lower() != server.url.lower()


@pytest.mark.parametrize("location", HOSTILE_LOCATIONS)
def test_user_input_redirect_in_a_hook_is_refused(app: Server, location: str) -> None:
    response = get(app, "/go", params={"redirectTo": location})
    assert response.status_code == 500, response.headers
    assert "location" not in response.headers
    # The page's URL shows the query, but the refusal's detail stays in the log.
    assert "Cannot redirect" not in response.text
    assert "Internal Error" in response.text


@pytest.mark.parametrize("location", HOSTILE_LOCATIONS)
def test_the_app_can_fall_back(app: Server, location: str) -> None:
    response = get(app, "/go/safe", params={"redirectTo": location})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("location", HOSTILE_LOCATIONS)
@pytest.mark.parametrize("enhanced", [False, True], ids=["native", "enhanced"])
def test_user_input_redirect_in_an_action_is_refused(
    app: Server, location: str, enhanced: bool
) -> None:
    headers = {"origin": app.url, "content-type": "application/x-www-form-urlencoded"}
    headers["accept"] = "application/json" if enhanced else "text/html"
    SENT["redirect"] += 1
    response = app.client.post(
        "/form", params={"/login": "", "redirectTo": location}, content=b"name=x", headers=headers
    )
    assert response.status_code == 500
    assert "location" not in response.headers
    if enhanced:
        result = response.json()
        assert result["type"] == "error"
        assert result["error"] == {"message": "Internal Error", "status": 500}
        # `location` is the page the result belongs to (its query included), on this site.
        assert result["location"].startswith("/form?")


@pytest.mark.parametrize("location", ["/form", "/form?x=1", "form", "?page=2", "../up", "#top"])
def test_own_locations_are_allowed(app: Server, location: str) -> None:
    response = get(app, "/go", params={"redirectTo": location})
    assert response.status_code == 303
    assert response.headers["location"] == location


def test_listed_origins_only(app: Server) -> None:
    allowed = get(app, "/go/partner")
    assert allowed.status_code == 303
    assert allowed.headers["location"] == "https://partner.example/pay"
    for location in ["https://evil.example/", "https://partner.example.evil.example/"]:
        refused = get(app, "/go/partner", params={"redirectTo": location})
        assert refused.status_code == 500
        assert "location" not in refused.headers


@FUZZ
@given(st.text(alphabet=string.printable + "é\u3002\uff0e\u2044", max_size=40))
def test_no_generated_location_leaves_the_site(app: Server, location: str) -> None:
    # A raw exchange: httpx refuses to even read some Locations (a tab inside), browsers don't.
    for path in ("/go", "/go/safe"):
        target = f"{path}?redirectTo={quote(location, safe='')}"
        status, headers = raw_answer(app, target)
        assert status in (200, 303, 500)
        if "location" in headers:
            assert not leaves_the_site(app, headers["location"]), headers["location"]


def raw_answer(server: Server, target: str) -> tuple[int, dict[str, str]]:
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    head = raw_exchange(server, "redirect", request).split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status_line, *lines = head.split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip(" ")
    return int(status_line.split(" ", 2)[1]), headers


def test_trailing_slash_redirect_is_not_protocol_relative(app: Server) -> None:
    status, headers = raw_answer(app, "//evil.example/")
    assert status == 308
    assert headers["location"] == "/evil.example"
    assert not leaves_the_site(app, headers["location"])
