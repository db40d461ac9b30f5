"""What the client sends, built without the app: action URLs, headers, form bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

import kite.testing
from kite.testing._requests import BROWSER_ACCEPT, action_request, action_url, merge_headers


@pytest.mark.parametrize(
    ("path", "name", "url"),
    [
        ("/login", "login", "/login?/login"),
        ("/login", None, "/login"),
        ("/login?redirectTo=/x", "login", "/login?/login&redirectTo=/x"),
        ("/login?redirectTo=/x", None, "/login?redirectTo=/x"),
        ("/", "a b&c", "/?/a%20b%26c"),
        ("http://localhost/todos", "add", "http://localhost/todos?/add"),
    ],
)
def test_action_url(path: str, name: str | None, url: str) -> None:
    assert action_url(path, name) == url


@pytest.mark.parametrize(("name", "message"), [("default", "name=None"), ("/login", "without")])
def test_action_names_that_are_refused(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        action_url("/login", name)


def test_merge_headers_is_case_insensitive_and_none_removes() -> None:
    merged = merge_headers({"Accept": "text/html", "Origin": "http://a"}, {"accept": "x/y"})
    assert merged == {"accept": "x/y", "origin": "http://a"}
    assert merge_headers({"Origin": "http://a"}, None, {"ORIGIN": None}) == {}


def test_a_native_action_request() -> None:
    outgoing = action_request(
        "/p", "go", "http://localhost", {"a": "1", "b": ["2", "3 4"]}, None, None, enhanced=False
    )
    assert (outgoing.method, outgoing.url) == ("POST", "/p?/go")
    assert outgoing.headers == {
        "accept": BROWSER_ACCEPT,
        "origin": "http://localhost",
        "content-type": "application/x-www-form-urlencoded",
    }
    assert outgoing.content == b"a=1&b=2&b=3+4"


def test_an_enhanced_action_request_with_files(tmp_path: Path) -> None:
    photo = tmp_path / "me.png"
    photo.write_bytes(b"png")
    outgoing = action_request(
        "/p",
        None,
        "https://example.com",
        {"caption": "me"},
        {"photo": photo, "docs": [("a.txt", "x"), ("b", b"y", "text/csv")]},
        {"X-Extra": "1"},
        enhanced=True,
    )
    assert outgoing.headers == {
        "accept": "application/json",
        "origin": "https://example.com",
        "x-sveltekit-action": "true",
        "x-kite": "1",
        "x-extra": "1",
    }
    assert outgoing.content is None
    assert outgoing.files == [
        ("photo", ("me.png", b"png", "image/png")),
        ("docs", ("a.txt", "x", "text/plain")),
        ("docs", ("b", b"y", "text/csv")),
    ]
    assert outgoing.httpx_arguments()["data"] == {"caption": ["me"]}


def test_exported_names() -> None:
    assert kite.testing.__all__ == [
        "ActionResult",
        "AsyncClient",
        "Client",
        "FileValue",
        "FormData",
        "Headers",
        "LifespanError",
        "NotAnActionResult",
        "Response",
    ]


@pytest.mark.parametrize("value", [3, None, ["a", 1], b"bytes"])
def test_a_form_value_that_is_not_text_is_refused(value: object) -> None:
    with pytest.raises(TypeError, match="form field 'n' must be a str or a list of str"):
        action_request("/p", None, "http://localhost", {"n": value}, None, None, enhanced=False)
