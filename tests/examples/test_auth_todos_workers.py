"""examples/auth-todos under `kite start --workers 4`, on SQLite and on PostgreSQL.

Four worker processes share nothing in memory: a session made by one must sign the user in
on the others, and concurrent writes from all of them must all land. The PostgreSQL tests
run a throwaway cluster (initdb in a temporary folder, on a free port on 127.0.0.1) that is
stopped again at the end of the session.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from auth_todos_helpers import APP, html_client, png, register, signed_in, sqlite_env, submit
from support.postgres import PostgresCluster, pg_rows
from support.servers import ServeApp, Server

WORKERS = 4
THREADS = 8
CREATES_PER_THREAD = 5
SIGNED_IN_REQUESTS = 30


def check_workers(server: Server, todo_texts: Callable[[str], list[str]]) -> None:
    """Sessions and writes across workers; `todo_texts(email)` reads the database."""
    with signed_in(server.url) as (client, email):
        cookie = client.cookies["sessionid"]

    # Each request on its own connection, so that they are spread over the workers.
    for _ in range(SIGNED_IN_REQUESTS):
        with html_client(server.url) as one_off:
            one_off.cookies.set("sessionid", cookie)
            response = one_off.get("/todos")
            assert response.status_code == 200, response.headers.get("location")
            assert f"Signed in as <strong>{email}</strong>" in response.text

    acknowledged: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def create_some(thread: int) -> None:
        with html_client(server.url) as worker_client:
            worker_client.cookies.set("sessionid", cookie)
            for number in range(CREATES_PER_THREAD):
                text = f"todo {thread}-{number}"
                # Accept JSON, as an enhanced form does: the answer is the action's result only.
                try:
                    response = worker_client.post(
                        "/todos?/create",
                        data={"text": text},
                        headers={"Accept": "application/json", "Connection": "close"},
                    )
                    ok = response.status_code == 200 and response.json()["type"] == "success"
                    outcome = "" if ok else f"{text}: {response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    outcome = f"{text}: {exc!r}"
                with lock:
                    if outcome:
                        failures.append(outcome)
                    else:
                        acknowledged.append(text)

    threads = [threading.Thread(target=create_some, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "creates did not finish in time"

    stored = todo_texts(email)
    missing = sorted(set(acknowledged) - set(stored))
    assert not missing, f"acknowledged but not stored: {missing}"
    assert not failures, failures
    assert len(acknowledged) == THREADS * CREATES_PER_THREAD
    assert sorted(stored) == sorted(acknowledged)
    # And the page agrees, whichever worker renders it.
    with html_client(server.url) as reader:
        reader.cookies.set("sessionid", cookie)
        page = reader.get("/todos").text
    assert f"{len(acknowledged)} open of {len(acknowledged)}" in page


# --- SQLite ---------------------------------------------------------------------------------


def test_sqlite_with_four_workers(serve_app: ServeApp, tmp_path: Path) -> None:
    db_path = tmp_path / "app.sqlite3"
    server = serve_app(APP, workers=WORKERS, env=sqlite_env(db_path))

    def todo_texts(email: str) -> list[str]:
        conn = sqlite3.connect(db_path, timeout=10)
        try:
            rows = conn.execute(
                "SELECT text FROM todos JOIN users ON users.id = todos.user_id WHERE email = ?",
                (email,),
            ).fetchall()
        finally:
            conn.close()
        return [row[0] for row in rows]

    check_workers(server, todo_texts)


def test_sqlite_file_is_created_on_first_run(serve_app: ServeApp, tmp_path: Path) -> None:
    # A folder that does not exist yet, as for a fresh checkout's data/.
    db_path = tmp_path / "new" / "folder" / "app.sqlite3"
    server = serve_app(APP, env=sqlite_env(db_path))
    assert server.client.get("/").status_code == 200
    with signed_in(server.url):
        pass
    assert db_path.is_file()


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url(postgres: PostgresCluster) -> str:
    return postgres.create_database()


@pytest.fixture
def pg_app(served_app: ServeApp, postgres_url: str) -> Server:
    return served_app(APP, workers=WORKERS, env={"DATABASE_URL": postgres_url})


def test_postgres_with_four_workers(pg_app: Server, postgres_url: str) -> None:
    def todo_texts(email: str) -> list[str]:
        rows = pg_rows(
            postgres_url,
            "SELECT text FROM todos JOIN users ON users.id = todos.user_id WHERE email = %s",
            email,
        )
        return [str(row[0]) for row in rows]

    check_workers(pg_app, todo_texts)


def test_postgres_actions_search_avatars_and_expiry(pg_app: Server, postgres_url: str) -> None:
    """The SQL that differs between the databases: booleans, LIKE escapes, bytes, RETURNING,
    the UNIQUE constraints, expiry."""
    with signed_in(pg_app.url) as (client, email):
        for text in ("Buy milk", "100% juice"):
            assert submit(client, "/todos?/create", {"text": text}).status_code == 200
        duplicate = submit(client, "/todos?/create", {"text": "buy MILK"})
        assert duplicate.status_code == 400
        assert "That is already on your list." in duplicate.text
        [(milk_id,)] = pg_rows(postgres_url, "SELECT id FROM todos WHERE text = 'Buy milk'")

        response = submit(client, "/todos?/toggle", {"id": str(milk_id), "done": "true"})
        assert 'aria-pressed="true"' in response.text
        assert pg_rows(postgres_url, "SELECT done FROM todos WHERE id = %s", milk_id) == [(True,)]
        page = client.get("/todos", params={"q": "%"}).text
        assert re.findall(r'<span class="text">([^<]*)</span>', page) == ["100% juice"]
        response = submit(client, "/todos?/edit", {"id": str(milk_id), "text": "100% JUICE"})
        assert response.status_code == 400
        assert submit(client, "/todos?/delete", {"id": str(milk_id)}).status_code == 200

        picture = png(3, 3)
        response = submit(
            client, "/account?/upload_avatar", {}, files={"avatar": ("me.png", picture, "image/png")}
        )
        assert response.status_code == 200
        assert "Your new picture is saved." in response.text
        url = re.search(r'src="(/avatar/\d+\?v=\d+)"', response.text)
        assert url is not None
        served = client.get(url.group(1))
        assert (served.headers["content-type"], served.content) == ("image/png", picture)

        with html_client(pg_app.url) as other:
            again = register(other, email.upper(), "another password")
            assert again.status_code == 400
            assert "There is already an account with this email." in again.text

        mine = "(SELECT id FROM users WHERE email = %s)"
        pg_rows(postgres_url, f"UPDATE sessions SET expires_at = 0 WHERE user_id = {mine}", email)
        response = client.get("/todos")
        assert response.status_code == 303
        count = pg_rows(
            postgres_url, f"SELECT COUNT(*) FROM sessions WHERE user_id = {mine}", email
        )
        assert count == [(0,)]
