"""hooks.server.py: handle (locals, headers, redirect, short-circuit) and handle_error."""

import pytest
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def basics(served_app: ServeApp) -> Server:
    return served_app(APPS / "basics")


def test_handle_sets_locals_read_by_loads(basics: Server) -> None:
    response = basics.client.get("/hooks", headers={"x-user": "ann"})
    assert '<p id="user">ann</p>' in response.text


def test_handle_can_change_response_headers(basics: Server) -> None:
    assert basics.client.get("/about").headers["x-hooked"] == "yes"


def test_handle_can_redirect(basics: Server) -> None:
    response = basics.client.get("/hooks/redirect")
    assert response.status_code == 303
    assert response.headers["location"] == "/about"


def test_handle_can_answer_without_resolving(basics: Server) -> None:
    response = basics.client.get("/hooks/short")
    assert response.text == "answered by handle"
    assert "x-hooked" not in response.headers


def test_handle_error_shapes_kite_own_404(basics: Server) -> None:
    response = basics.client.get("/missing-page")
    assert response.status_code == 404
    assert "Not found: /missing-page (404 Not Found)" in response.text


def test_sequence_runs_each_handle_once_in_order(basics: Server) -> None:
    response = basics.client.get("/about")
    assert response.headers["x-handle-calls"] == "1"
    assert response.headers["x-hooked"] == "yes"
