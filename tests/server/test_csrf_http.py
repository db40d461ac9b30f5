"""The Origin check over real HTTP (contract §8), in production and dev alike."""

import shutil
from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp, Server

MESSAGE = "Cross-site POST form submissions are forbidden"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


def test_foreign_origin_is_refused_before_anything_runs(app: Server) -> None:
    response = app.client.post(
        "/actions/redirect-in-handle",
        data={"a": "b"},
        headers={"origin": "https://evil.example", "accept": "text/html"},
    )
    assert response.status_code == 403
    assert response.text == MESSAGE
    assert "set-cookie" not in response.headers  # handle did not run


def test_missing_origin_is_refused(app: Server) -> None:
    response = app.client.post("/actions/enhance?/login", data={"username": "x"})
    assert response.status_code == 403


def test_json_body_for_json_accept(app: Server) -> None:
    response = app.client.post(
        "/actions/enhance?/login",
        data={"username": "x"},
        headers={"origin": "https://evil.example", "accept": "application/json"},
    )
    assert response.status_code == 403
    assert response.json() == {"message": MESSAGE}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_are_checked_too(app: Server, method: str) -> None:
    response = app.client.request(
        method,
        "/actions/enhance",
        content=b"a=b",
        headers={"origin": "https://evil.example", "content-type": "text/plain"},
    )
    assert response.status_code == 403
    assert response.text == f"Cross-site {method} form submissions are forbidden"


def test_no_content_type_is_checked(app: Server) -> None:
    response = app.client.post("/actions/enhance", headers={"origin": "https://evil.example"})
    assert response.status_code == 403


def test_trusted_origins_are_exact(app: Server) -> None:
    trusted = app.client.post(
        "/actions/enhance?/login",
        data={"username": "x"},
        headers={"origin": "https://trusted.example.com"},
    )
    assert trusted.status_code == 200
    lookalike = app.client.post(
        "/actions/enhance?/login",
        data={"username": "x"},
        headers={"origin": "https://trusted.example.com.evil.com"},
    )
    assert lookalike.status_code == 403


def test_get_and_json_posts_are_not_checked(app: Server) -> None:
    assert app.client.get("/actions/enhance", headers={"origin": "https://evil.example"}).is_success
    response = app.client.post(
        "/actions/enhance?/login",
        content=b"{}",
        headers={"origin": "https://evil.example", "content-type": "application/json"},
    )
    assert response.status_code == 415  # reached the action pipeline


def test_dev_mode_checks_too_and_explains(serve_app: ServeApp) -> None:
    dev = serve_app(APPS / "actions", dev=True)
    response = dev.client.post(
        "/actions/enhance?/login", data={"x": "1"}, headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert response.text.startswith(MESSAGE)
    assert "https://evil.example" in response.text and dev.url in response.text


def test_origin_setting_replaces_the_request_origin(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "actions", env={"ORIGIN": "https://app.example"})
    own = server.client.post(
        "/actions/enhance?/login", data={"x": "1"}, headers={"origin": "https://app.example"}
    )
    assert own.status_code == 200
    request_origin = server.client.post(
        "/actions/enhance?/login", data={"x": "1"}, headers={"origin": server.url}
    )
    assert request_origin.status_code == 403


def actions_app_with(tmp_path: Path, settings: str) -> Path:
    """A copy of the actions app with its own kite.toml."""
    app_dir = tmp_path / "app"
    shutil.copytree(APPS / "actions", app_dir)
    (app_dir / "kite.toml").write_text(settings)
    return app_dir


def test_check_origin_false_switches_it_off(tmp_path: Path, serve_app: ServeApp) -> None:
    server = serve_app(actions_app_with(tmp_path, "[csrf]\ncheck_origin = false\n"))
    response = server.client.post(
        "/actions/enhance?/login", data={"x": "1"}, headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 200


def test_trusted_proxy_headers_set_the_origin(tmp_path: Path, serve_app: ServeApp) -> None:
    server = serve_app(actions_app_with(tmp_path, '[proxy]\ntrusted_hosts = ["127.0.0.1"]\n'))
    headers = {
        "origin": "https://public.example",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "public.example",
    }
    response = server.client.post("/actions/enhance?/login", data={"x": "1"}, headers=headers)
    assert response.status_code == 200
    untrusted = serve_app(APPS / "actions")
    response = untrusted.client.post("/actions/enhance?/login", data={"x": "1"}, headers=headers)
    assert response.status_code == 403
