"""Security headers: on by default for HTML responses (pages, error pages, Kite's own 4xx),
changed or removed by `[security.headers]` in kite.toml, by `handle`, or by headers the app
sets itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.server.security import DEFAULT_HEADERS

HOSTILE = APPS / "hostile"
DEFAULTS = dict(DEFAULT_HEADERS)


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(HOSTILE, env={"BODY_SIZE_LIMIT": "1K"})


def security_part(headers: object) -> dict[str, str]:
    return {name: value for name, value in dict(headers).items() if name in DEFAULTS}  # type: ignore[call-overload]


# --- the setting -------------------------------------------------------------------------


def settings_with(tmp_path: Path, toml: str) -> tuple[tuple[str, str], ...]:
    (tmp_path / "kite.toml").write_text(toml, encoding="utf-8")
    return load_settings(tmp_path, environ={}).security_headers


def test_defaults_without_a_setting(tmp_path: Path) -> None:
    assert dict(settings_with(tmp_path, "")) == {
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-frame-options": "SAMEORIGIN",
        "content-security-policy": "frame-ancestors 'self'",
    }


def test_change_remove_and_add(tmp_path: Path) -> None:
    headers = settings_with(
        tmp_path,
        "[security.headers]\n"
        'X-Frame-Options = "DENY"\n'
        "Referrer-Policy = false\n"
        'Permissions-Policy = "camera=()"\n',
    )
    assert dict(headers) == {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "content-security-policy": "frame-ancestors 'self'",
        "permissions-policy": "camera=()",
    }
    raw = load_settings(tmp_path, environ={}).security_raw_headers
    assert (b"x-frame-options", b"DENY") in raw
    assert all(name != b"referrer-policy" for name, _ in raw)


def test_inline_table_form(tmp_path: Path) -> None:
    headers = settings_with(tmp_path, '[security]\nheaders = { "X-Frame-Options" = false }\n')
    assert "x-frame-options" not in dict(headers)


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ('[security.headers]\n"X Frame" = "DENY"\n', "not a valid header name"),
        ('[security.headers]\n"" = "DENY"\n', "not a valid header name"),
        ('[security.headers]\nX-Frame-Options = "DENY\\r\\nSet-Cookie: a=b"\n', "X-Frame-Options"),
        ("[security.headers]\nX-Frame-Options = true\n", "or false to remove"),
        ('[security.headers]\nX-Frame-Options = ""\n', "or false to remove"),
        ("[security.headers]\nX-Frame-Options = 3\n", "not 3"),
        ('[security.headers]\nX-Frame-Options = "☃"\n', "latin-1"),
        ('[security]\nheaders = "nosniff"\n', "must be a table"),
        ("[security]\nheader = {}\n", "unknown setting 'security.header'"),
    ],
)
def test_invalid_settings_are_refused(tmp_path: Path, toml: str, fragment: str) -> None:
    with pytest.raises(KiteError, match=r"kite\.toml") as info:
        settings_with(tmp_path, toml)
    assert fragment in str(info.value)


# --- over HTTP ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "target", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/form", 200),
        ("GET", "/nope", 404),
        ("GET", "/boom/load", 500),
        ("GET", "/boom/hook", 500),
        ("GET", "/boom/template", 500),
        ("GET", "/boom/endpoint", 500),  # a browser's request: the error page
        ("POST", "/form?/nope", 404),
        ("POST", "/form?/login", 413),  # over the 1K body limit of this server
        ("POST", "/form?/login&plain", 415),
        ("PUT", "/form", 405),
    ],
)
def test_defaults_on_html_and_error_pages(
    app: Server, method: str, target: str, status: int
) -> None:
    headers = {"origin": app.url, "accept": "text/html"}
    content: bytes | None = None
    if method == "POST":
        headers["content-type"] = "application/x-www-form-urlencoded"
        content = b"name=" + b"x" * 2000 if target.endswith("login") else b"name=x"
        if target.endswith("plain"):
            headers["content-type"] = "application/xml"
    response = app.client.request(method, target, headers=headers, content=content)
    assert response.status_code == status
    if response.headers["content-type"].startswith("text/html"):
        assert security_part(response.headers) == DEFAULTS
    else:
        assert status == 405  # plain text "PUT method not allowed": not an HTML response
        assert security_part(response.headers) == {}


def test_early_errors_carry_them_too(app: Server) -> None:
    response = app.client.get("/", headers={"x-big": "y" * 70_000})
    assert response.status_code == 431
    assert security_part(response.headers) == DEFAULTS


def test_not_on_json(app: Server) -> None:
    response = app.client.get("/api", headers={"accept": "application/json"})
    assert response.status_code == 200
    assert security_part(response.headers) == {}
    action = app.client.post(
        "/form?/login",
        content=b"name=x",
        headers={
            "origin": app.url,
            "accept": "application/json",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert action.json()["type"] == "success"
    assert security_part(action.headers) == {}


def test_headers_the_app_sets_win(app: Server) -> None:
    by_event = app.client.get("/headers")
    assert by_event.headers["x-frame-options"] == "DENY"
    assert by_event.headers["referrer-policy"] == "no-referrer"
    assert by_event.headers["x-content-type-options"] == "nosniff"
    assert by_event.headers.get_list("x-frame-options") == ["DENY"]
    by_endpoint = app.client.get("/api/page")
    assert by_endpoint.headers["referrer-policy"] == "same-origin"
    assert by_endpoint.headers["x-frame-options"] == "SAMEORIGIN"


def test_handle_can_change_and_remove_them(app: Server) -> None:
    response = app.client.get("/framed")
    assert response.headers["x-frame-options"] == "DENY"
    assert "referrer-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_kite_toml_changes_them(serve_app: ServeApp, tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    shutil.copytree(HOSTILE, app_dir)
    (app_dir / "kite.toml").write_text(
        "[security.headers]\n"
        'X-Frame-Options = "DENY"\n'
        "Content-Security-Policy = false\n"
        'Permissions-Policy = "camera=()"\n',
        encoding="utf-8",
    )
    server = serve_app(app_dir)
    for target in ("/", "/nope"):
        headers = server.client.get(target).headers
        assert headers["x-frame-options"] == "DENY"
        assert "content-security-policy" not in headers
        assert headers["permissions-policy"] == "camera=()"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
