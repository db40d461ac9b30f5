"""The demo's limits: its avatar upload takes bodies up to 1 MB while every other form keeps
the app's 512K; its login is rate-limited to five attempts a minute per address and email.

Over HTTP with one worker (counters in memory), with `kite start --workers 4` and the
counters in the app's SQLite database (the sixth wrong password is refused by every one of
the four workers), and across two instances sharing Redis or PostgreSQL.
"""

from __future__ import annotations

import http.client
import sqlite3
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from auth_todos_helpers import APP, html_client, log_in, signed_in, sqlite_env, submit, unique_email
from support.postgres import PostgresCluster, pg_rows
from support.servers import ServeApp, Server
from support.sockets import children_of, holder_of

WRONG = "not the password"
LIMIT = 5
# A wrong password that was checked: a failure, which a native post gets as a 303 back to
# /login (post/redirect/get, kite.toml); a refused attempt is a 429 page instead.
CHECKED = 303
# Enough fresh connections for the kernel to have handed some to every worker.
MAX_TRIES = 400


def _wrong_login(server: Server, email: str, accept: str = "text/html") -> tuple[int, str, int]:
    """One wrong attempt on its own connection: status, body, and the pid that answered."""
    url = urlsplit(server.url)
    assert url.hostname is not None and url.port is not None
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/login?/login",
            body=urlencode({"email": email, "password": WRONG}),
            headers={
                "Origin": server.url,
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        body = response.read().decode()
        assert connection.sock is not None
        holder = holder_of(connection.sock, children_of(server.process.pid) or [server.process.pid])
        assert holder is not None, "no worker holds the connection"
        if response.status == 429:
            assert 1 <= int(response.getheader("retry-after") or 0) <= 60
        if response.status == CHECKED:
            assert response.getheader("location") == "/login"
        return response.status, body, holder
    finally:
        connection.close()


def test_the_avatar_upload_has_its_own_body_limit(serve_app: ServeApp, tmp_path: Path) -> None:
    server = serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * 700_000  # over the app's 512K, under 1M
    with signed_in(server.url) as (client, _):
        # The upload reaches the action, which explains its own 200 KB rule...
        response = submit(
            client, "/account?/upload_avatar", {}, files={"avatar": ("big.png", big, "image/png")}
        )
        assert response.status_code == 400
        assert "is larger than 200 KB" in response.text
        # ...while the same bytes to another form are refused before its action runs.
        response = client.post("/todos?/create", data={"text": "x" * 700_000})
        assert response.status_code == 413
        assert "<h1>That was too large</h1>" in response.text
        assert "Forms take up to 512 KB" in response.text


def test_the_sixth_wrong_password_is_refused(serve_app: ServeApp, tmp_path: Path) -> None:
    server = serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))
    email = unique_email()
    with html_client(server.url) as client:
        for _ in range(LIMIT):
            response = log_in(client, email, WRONG)
            assert response.status_code == 400
            assert response.history, "no post/redirect/get"
            assert "Incorrect email or password." in response.text
        # Native: the error page, with Retry-After.
        refused = client.post("/login?/login", data={"email": email, "password": WRONG})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "<h1>Too many attempts</h1>" in refused.text
        # Enhanced: a failure with status 429 the page can show.
        enhanced = client.post(
            "/login?/login",
            data={"email": email, "password": WRONG},
            headers={"Accept": "application/json"},
        )
        assert enhanced.status_code == 429
        assert enhanced.json()["type"] == "failure"
        assert enhanced.json()["status"] == 429
        assert "Too many attempts. Please try again in" in enhanced.json()["data"]
        # Another account from the same address is not locked out.
        other = log_in(client, unique_email(), WRONG)
        assert other.status_code == 400
        assert "Incorrect email or password." in other.text
    assert server.log().count("rate limit: action 'login' of /login allows 5/minute") == 1


def _refused_by_every_worker(server: Server, workers: int) -> None:
    email = unique_email()
    answered_by = set()
    for _ in range(LIMIT):
        status, body, pid = _wrong_login(server, email)
        assert status == CHECKED, body
        answered_by.add(pid)
    refusing: set[int] = set()
    for _ in range(MAX_TRIES):
        status, body, pid = _wrong_login(server, email)
        assert status == 429, f"worker {pid} let attempt {LIMIT + 1}+ in: {body[:300]}"
        refusing.add(pid)
        if len(refusing) == workers:
            break
    assert len(refusing) == workers, f"only workers {refusing} were reached"


def test_four_workers_share_the_count_in_sqlite(serve_app: ServeApp, tmp_path: Path) -> None:
    db_path = tmp_path / "app.sqlite3"
    env = {**sqlite_env(db_path), "RATE_LIMIT_STORE": f"sqlite:///{db_path}"}
    server = serve_app(APP, workers=4, env=env)
    _refused_by_every_worker(server, 4)
    with sqlite3.connect(db_path) as conn:
        keys = [row[0] for row in conn.execute("SELECT key FROM kite_rate_limits")]
    assert any(key.startswith("/login?/login|127.0.0.1|") for key in keys), keys


def _two_instances(serve_app: ServeApp, env: dict[str, str]) -> tuple[Server, Server]:
    return serve_app(APP, env=env), serve_app(APP, env=env)


def test_two_instances_share_the_count_in_redis(
    serve_app: ServeApp, tmp_path: Path, redis_url: str
) -> None:
    import redis

    env = {**sqlite_env(tmp_path / "app.sqlite3"), "RATE_LIMIT_STORE": redis_url}
    first, second = _two_instances(serve_app, env)
    email = unique_email()
    for index in range(LIMIT):
        assert _wrong_login(first if index % 2 else second, email)[0] == CHECKED
    assert _wrong_login(first, email)[0] == 429
    assert _wrong_login(second, email)[0] == 429
    with redis.Redis.from_url(redis_url) as client:
        keys = [key.decode() for key in client.scan_iter("kite:rate:/login?/login|*")]
        assert any(email in key for key in keys), keys
        assert all(0 < client.pttl(key) <= 60_000 for key in keys)


def test_two_instances_share_the_count_in_postgresql(
    serve_app: ServeApp, tmp_path: Path, postgres: PostgresCluster
) -> None:
    url = postgres.create_database()
    first, second = _two_instances(serve_app, {"DATABASE_URL": url, "RATE_LIMIT_STORE": url})
    email = unique_email()
    for index in range(LIMIT):
        assert _wrong_login(first if index % 2 else second, email)[0] == CHECKED
    assert _wrong_login(second, email)[0] == 429
    assert _wrong_login(first, email)[0] == 429
    rows = pg_rows(url, "SELECT key FROM kite_rate_limits WHERE key LIKE %s", f"%{email}")
    assert len(rows) == 1
