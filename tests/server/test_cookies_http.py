"""event.cookies over real HTTP: defaults, encoding, visible later in the same request."""

import pytest
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def basics(served_app: ServeApp) -> Server:
    return served_app(APPS / "basics")


def test_cookie_set_in_load_is_read_back_in_the_same_request(basics: Server) -> None:
    response = basics.client.get("/cookies")
    assert '<p id="visited">yes please</p>' in response.text
    assert response.headers["set-cookie"] == "visited=yes%20please; Path=/; HttpOnly; SameSite=Lax"


def test_cookie_is_secure_unless_plain_http_localhost(basics: Server) -> None:
    response = basics.client.get("/cookies", headers={"host": f"example.com:{basics.port}"})
    assert "; Secure" in response.headers["set-cookie"]


def test_request_cookies_are_decoded_once(basics: Server) -> None:
    response = basics.client.get("/cookies", headers={"cookie": "theme=dark%2520mode"})
    assert '<p id="theme">dark%20mode</p>' in response.text


def test_malformed_cookie_header_is_not_an_error(basics: Server) -> None:
    response = basics.client.get("/cookies", headers={"cookie": "=;;;a=%zz;b"})
    assert response.status_code == 200
