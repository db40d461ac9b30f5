"""kite.testing.Client against a real app (tests/apps/testing), in process.

Every request goes through the app itself: the CSRF check, the action protocol and the
cookies are Kite's own, so these tests fail if the client sends something a browser would
not, or reads a response wrongly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import APPS

from kite.testing import Client, NotAnActionResult

APP = APPS / "testing"


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(APP) as test_client:
        yield test_client


# --- what a request carries -----------------------------------------------------------------


def test_a_get_asks_for_html_and_sends_no_origin(client: Client) -> None:
    echo = client.get("/echo").json()
    assert echo["method"] == "GET"
    assert echo["accept"].startswith("text/html,")
    assert echo["origin"] is None
    assert echo["url"] == "http://localhost/echo"


def test_a_post_sends_the_apps_own_origin(client: Client) -> None:
    response = client.post("/echo", data={"a": "1", "b": ["2", "3"]})
    assert response.status_code == 200
    echo = response.json()
    assert echo["origin"] == "http://localhost"
    assert echo["content_type"] == "application/x-www-form-urlencoded"
    assert echo["body"] == "a=1&b=2&b=3"


def test_a_header_given_per_request_wins_and_none_drops_one(client: Client) -> None:
    echo = client.get("/echo", headers={"Accept": "application/json"}).json()
    assert echo["accept"] == "application/json"
    # Without Origin, Kite refuses a form post: the check is not switched off for tests.
    response = client.post("/echo", data={"a": "1"}, headers={"origin": None})
    assert response.status_code == 403
    assert response.text == "Cross-site POST form submissions are forbidden"


def test_a_foreign_origin_set_by_the_test_is_refused(client: Client) -> None:
    response = client.action(
        "/login", "login", {"name": "Ada"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert not client.cookies
    enhanced = client.action(
        "/login",
        "login",
        {"name": "Ada"},
        enhanced=True,
        headers={"Origin": "https://evil.example"},
    )
    assert enhanced.status_code == 403
    assert enhanced.json() == {"message": "Cross-site POST form submissions are forbidden"}
    # Refused before any action ran: there is no ActionResult to read.
    with pytest.raises(NotAnActionResult, match="answered 403"):
        _ = enhanced.result


def test_the_origin_follows_the_base_url() -> None:
    with Client(APP, base_url="https://example.com") as client:
        response = client.action("/login", "login", {"name": "Ada"})
        assert response.status_code == 200
        assert client.origin == "https://example.com"
        assert client.get("/echo").json()["url"] == "https://example.com/echo"


def test_the_origin_setting_of_the_app_is_the_default_base_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORIGIN", "https://kite.example")
    with Client(APP) as client:
        assert client.base_url == "https://kite.example"
        assert client.action("/login", "login", {"name": "Ada"}).status_code == 200
        # Over https the session cookie is Secure, and the jar still sends it back.
        assert "Secure" in client.action("/login", "login", {"name": "Bo"}).headers["set-cookie"]
        assert "Signed in as Bo" in client.get("/login").text


# --- native submissions ---------------------------------------------------------------------


def test_a_native_action_renders_the_page_with_its_form(client: Client) -> None:
    response = client.action("/login", "login", {"name": "Ada"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<p id="welcome">Welcome, Ada!</p>' in response.text
    echoed = response.http.request
    assert echoed.url.query == b"/login"
    assert echoed.headers["accept"].startswith("text/html")


def test_a_native_failure_renders_with_its_status(client: Client) -> None:
    response = client.action("/login", "login", {"name": ""})
    assert response.status_code == 400
    assert "Please enter a name." in response.text
    with pytest.raises(NotAnActionResult, match="pass enhanced=True"):
        _ = response.result


def test_an_empty_form_still_has_a_form_body(client: Client) -> None:
    # As a browser sends a form without fields: Kite would answer 415 to a POST without one.
    response = client.action("/login", "login")
    assert response.status_code == 400
    assert "Please enter a name." in response.text


def test_the_default_action_and_repeated_fields(client: Client) -> None:
    response = client.action("/guestbook", None, {"message": "hi", "tag": ["a", "b"]})
    assert response.status_code == 200
    assert '<p id="message">hi [a,b]</p>' in response.text


def test_the_action_name_goes_before_the_pages_own_query(client: Client) -> None:
    response = client.action("/login?redirectTo=/landing", "login", {"name": "Ada"})
    assert response.status_code == 303
    assert response.http.request.url.raw_path == b"/login?/login&redirectTo=/landing"


def test_the_reserved_name_default_is_refused_with_advice(client: Client) -> None:
    with pytest.raises(ValueError, match=r"name=None"):
        client.action("/guestbook", "default", {"message": "hi"})


def test_an_error_renders_the_error_page(client: Client) -> None:
    response = client.action("/outcomes", "teapot")
    assert response.status_code == 418
    assert "418: I&#39;m a teapot" in response.text
    crash = client.action("/outcomes", "crash")
    assert crash.status_code == 500
    assert "500: Internal Error" in crash.text
    assert "the action broke" not in crash.text


# --- redirects ------------------------------------------------------------------------------


def test_redirects_are_reported_not_followed_by_default(client: Client) -> None:
    response = client.action("/outcomes", "leave")
    assert response.status_code == 303
    assert response.is_redirect
    assert response.location == "/landing"
    assert response.history == []


def test_redirects_are_followed_when_asked(client: Client) -> None:
    response = client.action("/outcomes", "leave", follow_redirects=True)
    assert response.status_code == 200
    assert response.url == "http://localhost/landing"
    assert "<h1>Landed</h1>" in response.text
    assert [(step.status_code, step.location) for step in response.history] == [(303, "/landing")]
    assert not response.is_redirect
    assert response.location is None


def test_a_client_can_follow_redirects_by_default() -> None:
    with Client(APP, follow_redirects=True) as client:
        response = client.action("/login", "logout")
        assert response.url == "http://localhost/"
        assert "<h1>Home</h1>" in response.text
        # A request can still ask to see the redirect.
        assert client.action("/login", "logout", follow_redirects=False).status_code == 303


# --- cookies --------------------------------------------------------------------------------


def test_cookies_are_kept_sent_back_and_deleted(client: Client) -> None:
    response = client.action("/login", "login", {"name": "Ada"})
    assert response.cookies["user"] == "Ada"
    assert client.cookies["user"] == "Ada"
    assert client.get("/echo").json()["cookie"] == "user=Ada"
    assert "Signed in as Ada" in client.get("/login").text

    logout = client.action("/login", "logout")
    assert logout.status_code == 303
    assert "user" not in client.cookies
    assert "Signed in as" not in client.get("/login").text


def test_the_cookie_jar_can_be_set_and_cleared(client: Client) -> None:
    client.cookies.set("user", "Grace")
    assert "Signed in as Grace" in client.get("/login").text
    client.cookies.clear()
    assert "Signed in as" not in client.get("/login").text


# --- enhanced submissions -------------------------------------------------------------------


def test_an_enhanced_submission_sends_what_the_runtime_sends(client: Client) -> None:
    response = client.action("/echo", None, {"a": "1"}, enhanced=True)
    echo = response.json()
    assert echo["accept"] == "application/json"
    assert echo["sveltekit_action"] == "true"
    assert echo["origin"] == "http://localhost"
    assert echo["content_type"] == "application/x-www-form-urlencoded"


def test_an_enhanced_success_is_decoded_with_devalue_and_the_apps_transport(
    client: Client,
) -> None:
    response = client.action("/outcomes", "success", enhanced=True)
    assert response.status_code == 200
    result = response.result
    assert result.type == "success"
    assert result.status == 200
    assert result.location == "/outcomes"
    assert result.error is None
    assert result.data["when"] == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert result.data["tags"] == {"a"}
    assert result.data["big"] == 2**60
    point = result.data["point"]
    assert type(point).__name__ == "Point"
    assert (point.x, point.y) == (1, 2)


def test_an_enhanced_success_without_data(client: Client) -> None:
    result = client.action("/outcomes?keep=1", "nothing", enhanced=True).result
    assert (result.type, result.status, result.data) == ("success", 204, None)
    assert result.location == "/outcomes?keep=1"


def test_an_enhanced_failure(client: Client) -> None:
    response = client.action("/outcomes", "failure", enhanced=True)
    assert response.status_code == 422
    result = response.result
    assert (result.type, result.status) == ("failure", 422)
    assert result.data == {"field": "title", "reason": "too long"}
    bare = client.action("/outcomes", "bare_failure", enhanced=True).result
    assert (bare.type, bare.status, bare.data) == ("failure", 400, None)


def test_an_enhanced_redirect_is_reported_in_the_result(client: Client) -> None:
    # Kite answers 200 with the redirect inside; the client never follows it by itself.
    response = client.action("/outcomes", "leave", enhanced=True, follow_redirects=True)
    assert response.status_code == 200
    assert response.history == []
    result = response.result
    assert (result.type, result.status, result.location) == ("redirect", 303, "/landing")


def test_an_enhanced_error(client: Client) -> None:
    response = client.action("/outcomes", "teapot", enhanced=True)
    assert response.status_code == 418
    result = response.result
    assert (result.type, result.status, result.data) == ("error", 418, None)
    assert result.error == {"message": "I'm a teapot", "status": 418}
    crash = client.action("/outcomes", "crash", enhanced=True).result
    assert (crash.type, crash.status) == ("error", 500)
    assert crash.error == {"message": "Internal Error", "status": 500}


def test_an_enhanced_submission_sets_cookies_too(client: Client) -> None:
    result = client.action("/login", "login", {"name": "Ada"}, enhanced=True).result
    assert result.data == {"welcome": "Ada"}
    assert client.cookies["user"] == "Ada"


# --- files ----------------------------------------------------------------------------------


def test_files_are_sent_as_multipart(client: Client, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("from disk")
    response = client.action(
        "/upload",
        None,
        {"title": "two files"},
        files={"file": [notes, ("data.csv", b"a,b", "text/csv")]},
        enhanced=True,
    )
    request_type = response.http.request.headers["content-type"]
    assert request_type.startswith("multipart/form-data; boundary=")
    assert response.result.data == {
        "title": "two files",
        "files": [
            {"name": "notes.txt", "type": "text/plain", "content": "from disk"},
            {"name": "data.csv", "type": "text/csv", "content": "a,b"},
        ],
    }


def test_a_file_natively(client: Client) -> None:
    response = client.action("/upload", None, files={"file": ("a.bin", b"xyz")})
    assert response.status_code == 200
    assert '<p class="file">a.bin application/octet-stream xyz</p>' in response.text


# --- life cycle -----------------------------------------------------------------------------


def test_a_client_without_with_starts_at_its_first_request_and_closes() -> None:
    client = Client(APP)
    assert client.get("/").status_code == 200
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.get("/")


def test_a_path_or_an_app_object_are_both_accepted() -> None:
    import kite

    with Client(kite.create_app(APP)) as client:
        assert "<h1>Home</h1>" in client.get("/").text
