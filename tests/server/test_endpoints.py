"""+server.py endpoints over real HTTP."""

from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite import create_app
from kite.testing import Client


@pytest.fixture
def basics(served_app: ServeApp) -> Server:
    return served_app(APPS / "basics")


def test_get_returns_json(basics: Server) -> None:
    response = basics.client.get("/api/echo?q=kite")
    assert response.status_code == 200
    assert response.json() == {"method": "GET", "q": "kite"}
    assert response.headers["content-type"] == "application/json"


def test_post_json_is_not_subject_to_csrf(basics: Server) -> None:
    response = basics.client.post("/api/echo", json={"a": 1})
    assert response.status_code == 201
    assert response.json() == {"received": {"a": 1}}


def test_sync_handler_and_text(basics: Server) -> None:
    response = basics.client.request(
        "DELETE", "/api/echo", headers={"origin": basics.url, "content-type": "application/json"}
    )
    assert response.text == "deleted"
    assert response.headers["content-type"].startswith("text/plain")


def test_head_is_answered_from_get_without_body(basics: Server) -> None:
    response = basics.client.head("/api/echo")
    assert response.status_code == 200
    assert response.content == b""


def test_405_names_each_allowed_method_once(basics: Server) -> None:
    response = basics.client.patch("/api/echo", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST, PUT, DELETE"


def test_options_lists_the_methods(basics: Server) -> None:
    response = basics.client.options("/api/echo")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, POST, PUT, DELETE, OPTIONS"


def test_error_in_an_endpoint_is_json_for_api_clients(basics: Server) -> None:
    response = basics.client.put("/api/echo", json={})
    assert response.status_code == 409
    assert response.json() == {"message": "conflict here", "status": 409}


def test_page_and_endpoint_split_by_accept(basics: Server) -> None:
    page = basics.client.get("/negotiation", headers={"accept": "text/html,*/*;q=0.8"})
    assert '<p id="page">the page</p>' in page.text
    assert page.headers["vary"] == "Accept"
    endpoint = basics.client.get("/negotiation", headers={"accept": "*/*"})
    assert endpoint.text == "the endpoint"
    assert endpoint.headers["vary"] == "Accept"
    put = basics.client.put(
        "/negotiation", headers={"accept": "text/html", "content-type": "application/json"}
    )
    assert put.text == "PUT"


def test_a_failed_endpoint_shows_browsers_the_root_error_page(tmp_path: Path) -> None:
    # Not the error page nearest the endpoint: SvelteKit answers a failed +server.js with its
    # app-wide error page too.
    files = {
        "src/routes/+page.html": "<p>home</p>",
        "src/routes/+error.html": "<p>root {{ page.status }}: {{ page.error.message }}</p>",
        "src/routes/api/+error.html": "<p>nearest {{ page.status }}</p>",
        "src/routes/api/boom/+server.py": (
            "from kite import error\n\n\ndef GET(event):\n    error(418, 'teapot')\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    with Client(create_app(tmp_path)) as client:
        response = client.get("/api/boom", headers={"accept": "text/html"})
    assert response.status_code == 418
    assert "<p>root 418: teapot</p>" in response.text
    assert "nearest" not in response.text
