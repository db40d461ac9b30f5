"""examples/auth-todos over real HTTP, as a browser without JavaScript uses it.

One server (`kite start`) with one SQLite file serves the whole module; each test signs up
its own users (unique emails), so the tests do not see each other's data. The database is
read directly to check what was (not) written.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from auth_todos_helpers import (
    APP,
    GIF,
    JPEG,
    PASSWORD,
    WEBP,
    html_client,
    log_in,
    png,
    post_button,
    register,
    session_cookies,
    set_cookies,
    signed_in,
    sqlite_env,
    submit,
    unique_email,
)
from support.servers import ServeApp, Server


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("auth-todos") / "app.sqlite3"


@pytest.fixture
def app(served_app: ServeApp, db_path: Path) -> Server:
    # Four workers: every flow below also proves that nothing lives in one process's memory.
    return served_app(APP, workers=4, env=sqlite_env(db_path))


@pytest.fixture
def db(db_path: Path, app: Server) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db_path, timeout=10, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def client(app: Server) -> Iterator[httpx.Client]:
    with html_client(app.url) as client:
        yield client


def user_id(db: sqlite3.Connection, email: str) -> int:
    row = db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
    assert row is not None, f"no user {email}"
    return int(row["id"])


def todo_rows(db: sqlite3.Connection, email: str) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT todos.id, text, done FROM todos JOIN users ON users.id = todos.user_id"
        " WHERE users.email = ? ORDER BY todos.id",
        (email,),
    ).fetchall()
    return [{"id": row["id"], "text": row["text"], "done": bool(row["done"])} for row in rows]


def main(html: str) -> str:
    """The page's own part, without the layout's header (which has its own login form)."""
    match = re.search(r'<main id="main">(.*)</main>', html, re.S)
    assert match, html
    return match.group(1)


def signed_in_as(html: str) -> str | None:
    match = re.search(r"Signed in as <strong>([^<]*)</strong>", html)
    return match.group(1) if match else None


# --- pages ----------------------------------------------------------------------------------


def test_every_post_form_is_enhanced_and_every_input_labelled(client: httpx.Client) -> None:
    register(client, unique_email())
    pages = [client.get(path).text for path in ("/", "/login", "/todos", "/account")]
    assert post_button(client, "/login?/logout").status_code == 200
    pages += [client.get(path).text for path in ("/", "/login")]
    for html in pages:
        for form in re.findall(r"<form\b[^>]*>", html):
            if 'method="POST"' in form:
                assert "data-enhance" in form, form
        for input_id in re.findall(r'<input id="([^"]+)"', html):
            assert f'for="{input_id}"' in html, f"no label for #{input_id}"


def test_security_headers_and_stylesheet(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert '<link rel="stylesheet" href="/style.css">' in response.text
    css = client.get("/style.css")
    assert css.status_code == 200
    assert ":focus-visible" in css.text


def test_unknown_page_is_the_apps_404(client: httpx.Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


# --- registering and logging in ---------------------------------------------------------------


def test_register_signs_in_with_a_safe_session_cookie(client: httpx.Client) -> None:
    email = unique_email()
    response = register(client, email)
    assert response.status_code == 200
    # Post/redirect/get (kite.toml): the POST's 303 back to /login carries the session.
    [posted] = response.history
    assert (posted.status_code, posted.headers["location"]) == (303, "/login")
    [cookie] = session_cookies(posted)
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"):
        assert attribute in cookie
    # Plain http to 127.0.0.1: Kite leaves Secure off so that local development works.
    assert "Secure" not in cookie
    # The page shown after the redirect shows the new user and the action's result.
    assert signed_in_as(response.text) == email
    assert "Welcome! Your account is ready." in response.text
    assert PASSWORD not in response.text
    assert not [c for c in set_cookies(response) if PASSWORD in c]
    # Shown once: a reload is the page without the result.
    again = client.get("/login")
    assert signed_in_as(again.text) == email
    assert "Welcome! Your account is ready." not in again.text
    assert signed_in_as(client.get("/todos").text) == email


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Please enter your email address."),
        ("   ", PASSWORD, "Please enter your email address."),
        ("not-an-email", PASSWORD, "That does not look like an email address."),
        ("{email}", "short", "Use at least 8 characters."),
    ],
)
def test_register_refuses_bad_input(
    client: httpx.Client, email: str, password: str, message: str
) -> None:
    email = email.format(email=unique_email())
    response = register(client, email, password)
    assert response.status_code == 400
    assert message in main(response.text)
    assert 'aria-invalid="true"' in response.text
    assert response.history, "no post/redirect/get"
    assert session_cookies(response) == []
    # What was typed goes back as typed (typed forms refill the submitted values).
    assert f'value="{email}"' in response.text


def test_register_twice_is_refused(client: httpx.Client, app: Server) -> None:
    email = unique_email()
    register(client, email)
    with html_client(app.url) as other:
        # The same address in other letters is the same account.
        response = register(other, email.upper(), "another password")
        assert response.status_code == 400
        assert "There is already an account with this email." in response.text
        assert session_cookies(response) == []


def test_login_with_a_missing_email(client: httpx.Client) -> None:
    response = log_in(client, "", PASSWORD)
    # The failure's status reaches the page shown after the redirect.
    assert response.status_code == 400
    assert response.history, "no post/redirect/get"
    page = main(response.text)
    assert '<p id="email-error" class="error">Please enter your email address.</p>' in page
    assert 'aria-invalid="true" aria-describedby="email-error"' in page
    assert PASSWORD not in response.text
    assert not [c for c in set_cookies(response) if PASSWORD in c]
    # Once: a reload is the login page as it is, without the message.
    again = client.get("/login")
    assert again.status_code == 200
    assert "Please enter your email address." not in again.text


@pytest.mark.parametrize("known", [True, False], ids=["wrong-password", "unknown-email"])
def test_login_failures_echo_the_email_never_the_password(
    client: httpx.Client, app: Server, known: bool
) -> None:
    email = unique_email()
    if known:
        with html_client(app.url) as other:
            register(other, email)
    password = "wrong password 123"
    response = log_in(client, email, password)
    assert response.status_code == 400
    page = main(response.text)
    assert '<p id="password-error" class="error">Incorrect email or password.</p>' in page
    assert f'value="{email}"' in page
    assert password not in response.text
    assert not [c for c in set_cookies(response) if password in c]
    assert session_cookies(response) == []
    assert signed_in_as(response.text) is None


def test_login_failure_as_json_for_enhanced_forms(client: httpx.Client) -> None:
    email = unique_email()
    response = client.post(
        "/login?/login",
        data={"email": email, "password": "secret-guess"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    result = response.json()
    assert result["type"] == "failure"
    assert result["status"] == 400
    assert result["location"] == "/login"
    assert email in result["data"]
    assert "Incorrect email or password." in result["data"]
    assert "secret-guess" not in response.text


def test_login_success_renders_signed_in(client: httpx.Client, app: Server) -> None:
    email = unique_email()
    with html_client(app.url) as other:
        register(other, email)
    response = log_in(client, email.upper())  # emails are compared in lower case
    assert response.status_code == 200
    assert "Welcome back!" in response.text
    assert signed_in_as(response.text) == email
    [posted] = response.history
    assert session_cookies(posted)
    assert "Welcome back!" not in client.get("/login").text


def test_a_new_login_replaces_the_old_session(client: httpx.Client, db: sqlite3.Connection) -> None:
    email = unique_email()
    register(client, email)
    old = client.cookies["sessionid"]
    log_in(client, email)
    assert client.cookies["sessionid"] != old
    count = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE user_id = ?", (user_id(db, email),)
    ).fetchone()[0]
    assert count == 1


def test_redirect_to_a_path_on_this_site_is_followed(client: httpx.Client, app: Server) -> None:
    email = unique_email()
    with html_client(app.url) as other:
        register(other, email)
    response = log_in(client, email, query="&redirectTo=" + quote("/todos?q=milk", safe=""))
    assert response.status_code == 303
    assert response.headers["location"] == "/todos?q=milk"
    assert response.headers["set-cookie"].startswith("sessionid=")
    # register honours it too
    with html_client(app.url) as other:
        response = other.post(
            "/login?/register&redirectTo=/account",
            data={"email": unique_email(), "password": PASSWORD},
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_redirect_to_another_site_is_ignored(
    client: httpx.Client, app: Server, target: str
) -> None:
    email = unique_email()
    with html_client(app.url) as other:
        register(other, email)
    response = log_in(client, email, query="&redirectTo=" + quote(target, safe=""))
    assert response.status_code == 200
    # Only back to the login page (post/redirect/get, the query kept), never to the target.
    [posted] = response.history
    assert posted.headers["location"].split("?")[0] == "/login"
    assert "location" not in response.headers
    assert signed_in_as(response.text) == email
    # Nor does the login page put it into its form.
    page = client.get("/login?redirectTo=" + quote(target, safe="")).text
    assert "evil" not in main(page)


def test_the_login_page_keeps_a_safe_redirect_to_in_its_form(client: httpx.Client) -> None:
    page = client.get("/login?redirectTo=/todos").text
    assert 'action="?/login&amp;redirectTo=/todos"' in page
    assert 'formaction="?/register&amp;redirectTo=/todos"' in page


def test_the_layouts_login_widget_posts_from_every_page(client: httpx.Client, app: Server) -> None:
    email = unique_email()
    with html_client(app.url) as other:
        register(other, email)
    home = client.get("/").text
    assert 'action="/login?/login&amp;redirectTo=/"' in home
    # Not on the login page itself, which has the real form.
    assert "login-widget" not in client.get("/login").text
    # A cross-page action: the form on / posts to /login, and comes back to /.
    response = client.post(
        "/login?/login&redirectTo=/", data={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert signed_in_as(client.get("/").text) == email
    # A failure shows the login page, with the message beside the field.
    with html_client(app.url) as other:
        response = submit(
            other, "/login?/login&redirectTo=/", data={"email": email, "password": "x"}
        )
        assert response.status_code == 400
        assert "Incorrect email or password." in response.text


def test_logout_signs_out(
    client: httpx.Client, db: sqlite3.Connection
) -> None:
    email = unique_email()
    register(client, email)
    token = client.cookies["sessionid"]
    assert signed_in_as(client.get("/").text) == email
    response = post_button(client, "/login?/logout")
    assert response.status_code == 200
    [posted] = response.history
    [cookie] = session_cookies(posted)
    assert "Max-Age=0" in cookie
    # The page shown after the redirect shows nobody signed in, and says so once.
    assert signed_in_as(response.text) is None
    assert "You have been logged out." in response.text
    assert 'action="?/login"' in response.text
    assert "You have been logged out." not in client.get("/login").text
    # The session is gone from the database, so a copy of the old cookie is worthless.
    count = db.execute(
        "SELECT COUNT(*) FROM sessions WHERE user_id = ?", (user_id(db, email),)
    ).fetchone()[0]
    assert count == 0
    client.cookies.set("sessionid", token)
    assert signed_in_as(client.get("/").text) is None


def test_an_expired_session_is_refused_and_deleted(
    client: httpx.Client, db: sqlite3.Connection
) -> None:
    email = unique_email()
    register(client, email)
    client.cookies.clear()
    token = secrets.token_urlsafe(32)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
        (token_hash, user_id(db, email), int(time.time()) - 1),
    )
    client.cookies.set("sessionid", token)
    response = client.get("/")
    assert signed_in_as(response.text) is None
    assert "login-widget" in response.text
    # The browser is told to drop the cookie, and the row is gone.
    assert "Max-Age=0" in response.headers["set-cookie"]
    row = db.execute("SELECT 1 FROM sessions WHERE token_hash = ?", (token_hash,)).fetchone()
    assert row is None
    # The same session a day before its end still works: expiry, not the row, decided.
    token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
        (hashlib.sha256(token.encode()).hexdigest(), user_id(db, email), int(time.time()) + 86400),
    )
    client.cookies.set("sessionid", token)
    assert signed_in_as(client.get("/").text) == email


def test_a_made_up_session_cookie_signs_nobody_in(client: httpx.Client) -> None:
    client.cookies.set("sessionid", "not-a-session")
    response = client.get("/todos")
    assert response.status_code == 303
    assert "Max-Age=0" in response.headers["set-cookie"]


def test_logging_in_over_a_stale_cookie(client: httpx.Client, app: Server) -> None:
    # handle() deletes the stale cookie, then the action sets a new one: the new one wins.
    email = unique_email()
    with html_client(app.url) as other:
        register(other, email)
    # With the server's domain, so that the jar replaces it as a browser would.
    client.cookies.set("sessionid", "stale-or-made-up", domain="127.0.0.1", path="/")
    response = log_in(client, email)
    assert response.status_code == 200
    cookies = session_cookies(response)
    assert len(cookies) == 1, set_cookies(response)
    assert "Max-Age=2592000" in cookies[0]
    assert signed_in_as(client.get("/").text) == email


def test_the_database_keeps_only_a_hash_of_the_session_token(
    client: httpx.Client, db: sqlite3.Connection
) -> None:
    email = unique_email()
    register(client, email)
    token = client.cookies["sessionid"]
    rows = db.execute(
        "SELECT token_hash FROM sessions WHERE user_id = ?", (user_id(db, email),)
    ).fetchall()
    assert [row[0] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    password_hash = db.execute(
        "SELECT password_hash FROM users WHERE email = ?", (email,)
    ).fetchone()[0]
    assert password_hash.startswith("$argon2id$")


# --- todos ----------------------------------------------------------------------------------


def test_todos_need_a_login(client: httpx.Client, db: sqlite3.Connection) -> None:
    response = client.get("/todos")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?redirectTo=/todos"
    response = client.get("/todos?q=milk")
    assert response.headers["location"] == "/login?redirectTo=/todos%3Fq%3Dmilk"
    before = db.execute("SELECT COUNT(*) FROM todos").fetchone()[0]
    response = client.post("/todos?/create", data={"text": "sneaky"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?redirectTo=/todos"
    assert db.execute("SELECT COUNT(*) FROM todos").fetchone()[0] == before
    assert client.get("/account").headers["location"] == "/login?redirectTo=/account"


def test_create_toggle_edit_delete(app: Server, db: sqlite3.Connection) -> None:
    with signed_in(app.url) as (client, email):
        # Post/redirect/get (kite.toml): the POST is answered with a 303 back to the page,
        # whose GET shows the result; a reload would not post again.
        posted = client.post("/todos?/create", data={"text": "  Buy   milk "})
        assert (posted.status_code, posted.headers["location"]) == (303, "/todos")
        assert posted.headers["cache-control"] == "no-store"
        response = client.get("/todos")
        assert response.status_code == 200
        assert "Added “Buy milk”." in response.text
        # Listed in the page that answers the POST: the loads ran after the action.
        assert '<span class="text">Buy milk</span>' in response.text
        # A success empties the field (the page renders without the failure's data).
        assert re.search(
            r'<input id="new-text" name="text" autocomplete="off" value="">', response.text
        )
        [todo] = todo_rows(db, email)
        assert todo == {"id": todo["id"], "text": "Buy milk", "done": False}
        # Shown once: the next GET (a reload) is the list, without the result.
        assert "Added “Buy milk”." not in client.get("/todos").text
        todo_id = str(todo["id"])

        response = submit(client, "/todos?/toggle", data={"id": todo_id, "done": "true"})
        assert response.status_code == 200
        assert todo_rows(db, email)[0]["done"] is True
        assert 'class="todo done"' in response.text
        assert 'aria-pressed="true"' in response.text
        # The form names the state it wants: sending it twice changes nothing.
        submit(client, "/todos?/toggle", data={"id": todo_id, "done": "true"})
        assert todo_rows(db, email)[0]["done"] is True
        submit(client, "/todos?/toggle", data={"id": todo_id, "done": "false"})
        assert todo_rows(db, email)[0]["done"] is False

        response = submit(client, "/todos?/edit", data={"id": todo_id, "text": "Buy oat milk"})
        assert response.status_code == 200
        assert todo_rows(db, email)[0]["text"] == "Buy oat milk"
        assert '<span class="text">Buy oat milk</span>' in response.text

        response = submit(client, "/todos?/delete", data={"id": todo_id})
        assert response.status_code == 200
        assert todo_rows(db, email) == []
        assert 'class="todo' not in main(response.text).replace('class="todos"', "")
        assert "Nothing on your list yet." in response.text


def test_enhanced_create_gets_a_json_result(app: Server, db: sqlite3.Connection) -> None:
    with signed_in(app.url) as (client, email):
        response = client.post(
            "/todos?/create", data={"text": "Water plants"}, headers={"Accept": "application/json"}
        )
        assert response.status_code == 200
        result = response.json()
        assert result["type"] == "success"
        assert "Water plants" in result["data"]
        assert [row["text"] for row in todo_rows(db, email)] == ["Water plants"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something first."),
        ("   \t ", "Write something first."),
        ("x" * 121, "Keep it to 120 characters; this one has 121."),
        ("buy  MILK", "That is already on your list."),
    ],
)
def test_create_validation_errors_beside_the_field(
    app: Server, db: sqlite3.Connection, text: str, message: str
) -> None:
    with signed_in(app.url) as (client, email):
        submit(client, "/todos?/create", data={"text": "Buy milk"})
        response = submit(client, "/todos?/create", data={"text": text})
        assert response.status_code == 400
        page = main(response.text)
        field = re.search(r'<input id="new-text"[^>]*>', page)
        assert field is not None
        assert 'aria-invalid="true"' in field.group(0)
        assert 'aria-describedby="new-text-error"' in field.group(0)
        assert f'value="{" ".join(text.split())}"' in field.group(0)  # what was typed stays
        assert f'<p id="new-text-error" class="error">{message}</p>' in page
        # The rest of the page is still there.
        assert '<span class="text">Buy milk</span>' in page
        assert [row["text"] for row in todo_rows(db, email)] == ["Buy milk"]


def test_exactly_the_longest_text_is_accepted(app: Server, db: sqlite3.Connection) -> None:
    with signed_in(app.url) as (client, email):
        response = submit(client, "/todos?/create", data={"text": "y" * 120})
        assert response.status_code == 200
        assert [row["text"] for row in todo_rows(db, email)] == ["y" * 120]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write something first."), ("call MOM", "Another todo already says that.")],
)
def test_edit_validation_errors_beside_that_todos_field(
    app: Server, db: sqlite3.Connection, text: str, message: str
) -> None:
    with signed_in(app.url) as (client, email):
        submit(client, "/todos?/create", data={"text": "Buy milk"})
        submit(client, "/todos?/create", data={"text": "Call mom"})
        milk, mom = todo_rows(db, email)
        response = submit(client, "/todos?/edit", data={"id": str(milk["id"]), "text": text})
        assert response.status_code == 400
        page = main(response.text)
        error_id = f"edit-{milk['id']}-error"
        assert f'<p id="{error_id}" class="error">{message}</p>' in page
        assert f'aria-describedby="{error_id}"' in page
        # Only that todo's editor is open and marked; the other is untouched.
        assert page.count(" open>") == 1
        assert f"edit-{mom['id']}-error" not in page
        assert [row["text"] for row in todo_rows(db, email)] == ["Buy milk", "Call mom"]
        # Renaming a todo to itself in other letters is not a duplicate of itself.
        response = submit(client, "/todos?/edit", data={"id": str(milk["id"]), "text": "buy MILK"})
        assert response.status_code == 200


def test_search_filters_in_load(app: Server) -> None:
    with signed_in(app.url) as (client, _):
        for text in ("Buy milk", "Call mom", "100% juice", "snake_case"):
            submit(client, "/todos?/create", data={"text": text})

        def listed(query: str) -> list[str]:
            page = client.get("/todos", params={"q": query}).text
            return re.findall(r'<span class="text">([^<]*)</span>', page)

        assert listed("milk") == ["Buy milk"]
        assert listed("MILK") == ["Buy milk"]
        assert listed("") == ["Buy milk", "Call mom", "100% juice", "snake_case"]
        # LIKE's wildcards are searched for, not used.
        assert listed("%") == ["100% juice"]
        assert listed("_") == ["snake_case"]
        page = client.get("/todos", params={"q": "zebra"}).text
        assert "No todos match “zebra”." in page
        # The search box is a GET form that keeps its value, and the actions keep the search.
        page = client.get("/todos", params={"q": "milk"}).text
        assert (
            '<form class="search" method="GET" action="/todos" role="search" data-enhance>' in page
        )
        assert 'id="q" name="q" type="search" value="milk"' in page
        assert 'action="?/toggle&amp;q=milk"' in page
        response = submit(client, "/todos?/create&q=milk", data={"text": "Buy more milk"})
        assert re.findall(r'<span class="text">([^<]*)</span>', response.text) == [
            "Buy milk",
            "Buy more milk",
        ]


def test_nobody_can_touch_another_users_todos(app: Server, db: sqlite3.Connection) -> None:
    with (
        signed_in(app.url, "alice") as (alice, alice_email),
        signed_in(app.url, "bob") as (bob, _),
    ):
        submit(alice, "/todos?/create", data={"text": "Alice's secret"})
        [todo] = todo_rows(db, alice_email)
        todo_id = str(todo["id"])
        assert "Alice&#39;s secret" not in bob.get("/todos").text
        for action, data in [
            ("toggle", {"id": todo_id, "done": "true"}),
            ("edit", {"id": todo_id, "text": "Bob was here"}),
            ("delete", {"id": todo_id}),
        ]:
            response = submit(bob, f"/todos?/{action}", data=data)
            assert response.status_code == 404, action
            assert "That todo is not on your list (any more)." in response.text
            assert "Alice&#39;s secret" not in response.text
        assert todo_rows(db, alice_email) == [todo]


@pytest.mark.parametrize("todo_id", ["", "abc", "-1", "1.5", "9" * 40, "١"])
def test_bad_todo_ids_are_not_found(app: Server, todo_id: str) -> None:
    with signed_in(app.url) as (client, _):
        for action in ("toggle", "edit", "delete"):
            response = submit(client, f"/todos?/{action}", data={"id": todo_id, "text": "x"})
            assert response.status_code == 404, (action, response.text)


# --- avatars --------------------------------------------------------------------------------


def upload(
    client: httpx.Client, content: bytes, filename: str, content_type: str
) -> httpx.Response:
    return submit(
        client, "/account?/upload_avatar", {}, files={"avatar": (filename, content, content_type)}
    )


def avatar_url(html: str) -> str:
    match = re.search(r'<img src="(/avatar/\d+\?v=\d+)" alt="Your profile picture"', html)
    assert match, html
    return match.group(1)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(png(), "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
    ids=["png", "jpeg", "gif", "webp"],
)
def test_avatar_upload_and_serving(
    app: Server, db: sqlite3.Connection, content: bytes, content_type: str
) -> None:
    with signed_in(app.url) as (client, email):
        # The name says nothing: the bytes decide, and decide the served type too.
        response = upload(client, content, "picture.bin", "application/octet-stream")
        assert response.status_code == 200
        assert response.history, "no post/redirect/get"
        assert "Your new picture is saved." in response.text
        url = avatar_url(response.text)
        # The header shows it too.
        assert f'<img class="avatar" src="{url}"' in response.text
        row = db.execute(
            "SELECT content_type, data FROM avatars WHERE user_id = ?", (user_id(db, email),)
        ).fetchone()
        assert (row["content_type"], bytes(row["data"])) == (content_type, content)

        served = client.get(url)
        assert served.status_code == 200
        assert served.headers["content-type"] == content_type
        assert served.content == content
        assert served.headers["cache-control"] == "private, max-age=31536000, immutable"
        assert served.headers["x-content-type-options"] == "nosniff"
        # Without the current version the browser must ask again; the ETag makes that cheap.
        plain = client.get(url.split("?")[0])
        assert plain.headers["cache-control"] == "private, no-cache"
        again = client.get(url.split("?")[0], headers={"If-None-Match": plain.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""


def test_a_new_avatar_gets_a_new_url(app: Server) -> None:
    with signed_in(app.url) as (client, _):
        first = avatar_url(upload(client, png(), "a.png", "image/png").text)
        second = avatar_url(upload(client, png(2, 2), "b.png", "image/png").text)
        assert first != second
        assert client.get(second).content == png(2, 2)
        old = client.get(first)
        assert old.headers["cache-control"] == "private, no-cache"  # not cached as the old one


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "message"),
    [
        (b"<html><script>alert(1)</script>", "evil.png", "image/png", "is not a PNG, JPEG"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg", "image/svg+xml", "is not a PNG"),
        (b"GIF8", "tiny.gif", "image/gif", "is not a PNG, JPEG"),
        (b"", "empty.png", "image/png", "is not a PNG, JPEG"),
        (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024),
            "big.png",
            "image/png",
            "is larger than 200 KB",
        ),
    ],
    ids=["html-named-png", "svg", "truncated-gif", "empty", "too-big"],
)
def test_avatar_refused_with_a_message_beside_the_field(
    app: Server,
    db: sqlite3.Connection,
    content: bytes,
    filename: str,
    content_type: str,
    message: str,
) -> None:
    with signed_in(app.url) as (client, email):
        response = upload(client, content, filename, content_type)
        assert response.status_code == 400
        page = main(response.text)
        assert re.search(
            rf'<p id="avatar-error" class="error">“{re.escape(filename)}” {message}', page
        )
        assert 'aria-invalid="true" aria-describedby="avatar-error"' in page
        row = db.execute(
            "SELECT 1 FROM avatars WHERE user_id = ?", (user_id(db, email),)
        ).fetchone()
        assert row is None


def test_avatar_of_exactly_the_limit_is_accepted(app: Server) -> None:
    content = b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024 - 8)
    with signed_in(app.url) as (client, _):
        assert upload(client, content, "edge.png", "image/png").status_code == 200


def test_avatar_without_a_file(app: Server) -> None:
    with signed_in(app.url) as (client, _):
        # What a browser sends when no file was chosen: an empty part with an empty name.
        response = upload(client, b"", "", "application/octet-stream")
        assert response.status_code == 400
        assert "Choose a picture to upload." in response.text
        # A form without the multipart enctype sends the file's name as text.
        response = submit(client, "/account?/upload_avatar", {"avatar": "me.png"})
        assert response.status_code == 400
        assert "Choose a picture to upload." in response.text


def test_avatar_over_the_body_limit_gets_the_413_page(app: Server) -> None:
    with signed_in(app.url) as (client, _):
        response = upload(
            client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_100_000, "huge.png", "image/png"
        )
        assert response.status_code == 413
        assert "<h1>That was too large</h1>" in response.text


def test_avatar_removal(app: Server, db: sqlite3.Connection) -> None:
    with signed_in(app.url) as (client, email):
        url = avatar_url(upload(client, png(), "me.png", "image/png").text)
        response = post_button(client, "/account?/remove_avatar")
        assert response.status_code == 200
        assert "Your picture is removed." in response.text
        assert "/avatar/" not in response.text
        assert "Your picture is removed." not in client.get("/account").text
        assert client.get(url).status_code == 404
        assert (
            db.execute("SELECT 1 FROM avatars WHERE user_id = ?", (user_id(db, email),)).fetchone()
            is None
        )


def test_avatars_are_for_signed_in_users_only(app: Server) -> None:
    with signed_in(app.url) as (client, _):
        url = avatar_url(upload(client, png(), "me.png", "image/png").text)
        with html_client(app.url) as stranger:
            assert stranger.get(url).status_code == 401
        assert client.get("/avatar/999999999").status_code == 404
        assert client.get("/avatar/not-a-number").status_code == 404
