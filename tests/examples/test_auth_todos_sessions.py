"""Sessions and their cookie in examples/auth-todos, attacked the way issue 9 lists.

What the app promises (docs/reliability.md, "Sessions"): a session token is 256 random bits,
only its SHA-256 is stored, it expires, a login always starts a new one, a logout ends it on
the server, and the cookie is `HttpOnly; SameSite=Lax`, plus `Secure` whenever the site is
reached over https. Every check reads the database directly as well as asking the app who is
signed in, so that "not signed in" cannot come from a cookie the client simply dropped.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import sqlite3
import string
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from auth_todos_helpers import (
    APP,
    html_client,
    log_in,
    post_button,
    register,
    session_cookies,
    sqlite_env,
    unique_email,
)
from support.servers import ServeApp, Server

COOKIE = "sessionid"
THIRTY_DAYS = 60 * 60 * 24 * 30
# secrets.token_urlsafe's alphabet: base64url without padding, 6 bits per character.
TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
MIN_TOKEN_BITS = 128


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sessions") / "app.sqlite3"


@pytest.fixture
def app(served_app: ServeApp, db_path: Path) -> Server:
    return served_app(APP, workers=2, env=sqlite_env(db_path))


@pytest.fixture
def db(db_path: Path, app: Server) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db_path, timeout=10, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def signed_in_as(url: str, token: str) -> str | None:
    """Whom the app takes a request carrying only this session cookie for; None: nobody."""
    with html_client(url) as client:
        client.cookies.set(COOKIE, token)
        response = client.get("/")
    assert response.status_code == 200, response.text[:500]
    found = re.search(r"Signed in as <strong>([^<]*)</strong>", response.text)
    return found.group(1) if found else None


def new_account(url: str) -> tuple[str, str]:
    """(email, session token) of a freshly registered user."""
    email = unique_email("session")
    with html_client(url) as client:
        response = register(client, email)
        assert response.status_code == 200, response.text[:500]
        return email, client.cookies[COOKIE]


def login_token(url: str, email: str, planted: str | None = None) -> tuple[httpx.Response, str]:
    """Log in with an optional cookie already in the jar; the response and the new token."""
    with html_client(url) as client:
        if planted is not None:
            # As a browser holds it: for this host, so that the answer's cookie replaces it.
            client.cookies.set(COOKIE, planted, domain="127.0.0.1", path="/")
        response = log_in(client, email)
        assert response.status_code == 200, response.text[:500]
        return response, cookie_value(response)


def session_rows(db: sqlite3.Connection, email: str) -> list[tuple[str, int]]:
    return db.execute(
        "SELECT token_hash, expires_at FROM sessions"
        " WHERE user_id = (SELECT id FROM users WHERE email = ?)",
        (email,),
    ).fetchall()


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_cookie_header(response: httpx.Response) -> str:
    """The session's Set-Cookie, from the response or, after post/redirect/get, the POST's
    303 before it (`history`): exactly one."""
    headers = session_cookies(response)
    assert len(headers) == 1, headers
    return headers[0]


def cookie_value(response: httpx.Response) -> str:
    return session_cookie_header(response).split(";")[0].removeprefix(COOKIE + "=")


def attributes(header: str) -> dict[str, str]:
    """The attributes of a Set-Cookie header, lower-cased names (the value is left out)."""
    parts = [part.strip() for part in header.split(";")[1:]]
    return {name.lower(): value for name, _, value in (part.partition("=") for part in parts)}


# --- the token ------------------------------------------------------------------------------


def test_tokens_are_long_random_and_never_repeat(app: Server) -> None:
    email, first = new_account(app.url)
    tokens = [first] + [login_token(app.url, email)[1] for _ in range(5)]
    for token in tokens:
        assert set(token) <= TOKEN_ALPHABET, token
        assert len(token) * 6 >= MIN_TOKEN_BITS, token
    assert len(set(tokens)) == len(tokens)
    # Not merely distinct: no shared prefix such as a counter or a timestamp would leave.
    assert len({token[:8] for token in tokens}) == len(tokens)


def test_only_a_hash_of_the_token_is_stored(
    app: Server, db: sqlite3.Connection, db_path: Path
) -> None:
    email, token = new_account(app.url)
    assert [row[0] for row in session_rows(db, email)] == [sha256(token)]
    # Nowhere in the database's files either, WAL included: a copy of them holds no cookie.
    for path in db_path.parent.glob(db_path.name + "*"):
        assert token.encode() not in path.read_bytes(), path


def test_a_session_expires_after_thirty_days(app: Server, db: sqlite3.Connection) -> None:
    email, token = new_account(app.url)
    [(_, expires_at)] = session_rows(db, email)
    assert abs(expires_at - (time.time() + THIRTY_DAYS)) < 120

    db.execute(
        "UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
        (int(time.time()) - 1, sha256(token)),
    )
    with html_client(app.url) as client:
        client.cookies.set(COOKIE, token)
        response = client.get("/todos")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    # The browser is told to drop it, and the row is gone.
    assert attributes(session_cookie_header(response)).get("max-age") == "0"
    assert session_rows(db, email) == []
    assert signed_in_as(app.url, token) is None


# --- login and logout -----------------------------------------------------------------------


def test_login_rotates_the_token(app: Server, db: sqlite3.Connection) -> None:
    email, old = new_account(app.url)
    _, new = login_token(app.url, email, planted=old)
    assert new != old
    # The session the browser came with is ended, not kept beside the new one.
    assert [row[0] for row in session_rows(db, email)] == [sha256(new)]
    assert signed_in_as(app.url, old) is None
    assert signed_in_as(app.url, new) == email


def test_a_login_elsewhere_keeps_other_sessions(app: Server) -> None:
    # Two devices: logging in on the second must not sign the first out.
    email, laptop = new_account(app.url)
    _, phone = login_token(app.url, email)
    assert signed_in_as(app.url, laptop) == email
    assert signed_in_as(app.url, phone) == email


def test_logout_ends_the_session_on_the_server(app: Server, db: sqlite3.Connection) -> None:
    email, token = new_account(app.url)
    with html_client(app.url) as client:
        # As a browser holds it, so that the logout's deletion removes it from the jar.
        client.cookies.set(COOKIE, token, domain="127.0.0.1", path="/")
        response = post_button(client, "/login?/logout")
    assert response.status_code == 200
    assert response.history, "no post/redirect/get"
    assert attributes(session_cookie_header(response)).get("max-age") == "0"
    assert session_rows(db, email) == []
    # A copy of the cookie taken before the logout, replayed: nobody.
    assert signed_in_as(app.url, token) is None


# --- tokens that are not one's own ----------------------------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        secrets.token_urlsafe(32),  # well-formed, never issued
        "0" * 43,
        "x",
        "' OR '1'='1",
        "%00%ff",
        "A" * 4000,
    ],
    ids=["random", "zeros", "short", "sql", "escapes", "long"],
)
def test_a_forged_token_signs_nobody_in(app: Server, forged: str) -> None:
    with html_client(app.url) as client:
        client.cookies.set(COOKIE, forged)
        response = client.get("/todos")
    assert response.status_code == 303
    # And the browser is told to forget it.
    assert attributes(session_cookie_header(response)).get("max-age") == "0"


def test_another_users_token_hash_is_not_a_token(app: Server, db: sqlite3.Connection) -> None:
    # Somebody who read the sessions table (a backup, say) holds only hashes.
    email, token = new_account(app.url)
    [(stored_hash, _)] = session_rows(db, email)
    assert signed_in_as(app.url, stored_hash) is None
    assert signed_in_as(app.url, token) == email


def test_fixation_with_another_users_token(app: Server) -> None:
    # An attacker signs in as A and plants A's cookie in B's browser; B then logs in.
    attacker, planted = new_account(app.url)
    victim, _ = new_account(app.url)
    response, token = login_token(app.url, victim, planted=planted)
    assert token != planted
    assert f"Signed in as <strong>{victim}</strong>" in response.text
    assert signed_in_as(app.url, token) == victim
    # The planted token is no session at all any more: it neither shows B's data to the
    # attacker nor leaves B working inside the attacker's account.
    assert signed_in_as(app.url, planted) is None
    assert attacker != victim


def test_fixation_with_a_made_up_token(app: Server, db: sqlite3.Connection) -> None:
    email, _ = new_account(app.url)
    planted = secrets.token_urlsafe(32)
    _, token = login_token(app.url, email, planted=planted)
    assert token != planted
    assert sha256(planted) not in [row[0] for row in session_rows(db, email)]
    assert signed_in_as(app.url, planted) is None


# --- cookie attributes ----------------------------------------------------------------------


def test_cookie_attributes_on_plain_http_to_localhost(app: Server) -> None:
    email, _ = new_account(app.url)
    response, _ = login_token(app.url, email)
    found = attributes(session_cookie_header(response))
    assert "httponly" in found
    assert found.get("samesite") == "Lax"
    assert found.get("path") == "/"
    assert found.get("max-age") == str(THIRTY_DAYS)
    # Browsers refuse Secure cookies from http://127.0.0.1; there it is left out on purpose.
    assert "secure" not in found


@pytest.fixture(scope="module")
def proxied_app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as deployed behind a reverse proxy on this machine that terminates TLS."""
    copy = tmp_path_factory.mktemp("behind-proxy") / "auth-todos"
    shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("data", "__pycache__"))
    with (copy / "kite.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[proxy]\ntrusted_hosts = ["127.0.0.1"]\n')
    return copy


def test_cookie_is_secure_behind_an_https_proxy(
    served_app: ServeApp, proxied_app_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db_file = tmp_path_factory.mktemp("proxied-db") / "app.sqlite3"
    server = served_app(proxied_app_dir, env=sqlite_env(db_file))
    email = unique_email("proxied")
    https = {"X-Forwarded-Proto": "https"}
    with html_client(server.url) as client:
        # The site's origin is now https://127.0.0.1:port, and form posts must say so.
        client.headers["Origin"] = server.url.replace("http://", "https://")
        response = client.post(
            "/login?/register",
            data={"email": email, "password": "long enough password"},
            headers=https,
        )
        # The POST's own answer (post/redirect/get) is where the cookie arrives.
        assert response.status_code == 303, response.text[:500]
        assert response.headers["location"] == "/login"
        found = attributes(session_cookie_header(response))
        assert {"secure", "httponly"} <= found.keys()
        assert found.get("samesite") == "Lax"

        # The same server, reached without the proxy's header: plain http to 127.0.0.1.
        plain = client.post(
            "/login?/login",
            data={"email": email, "password": "long enough password"},
            headers={"Origin": server.url},
        )
        assert plain.status_code == 303
        assert "secure" not in attributes(session_cookie_header(plain))


def test_cookie_is_secure_when_origin_says_https(
    served_app: ServeApp, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # ORIGIN is how a deployment behind a proxy that sends no X-Forwarded-Proto says that its
    # public address is https: the browser is on https, so the cookie must be Secure.
    db_file = tmp_path_factory.mktemp("origin-db") / "app.sqlite3"
    origin = "https://todos.example"
    server = served_app(APP, env={**sqlite_env(db_file), "ORIGIN": origin})
    with html_client(server.url) as client:
        client.headers["Origin"] = origin
        response = register(client, unique_email("origin"))
    assert response.status_code == 200, response.text[:500]
    assert "secure" in attributes(session_cookie_header(response))
