"""examples/auth-todos under `kite start --workers 4`, on SQLite and on PostgreSQL.

Four worker processes share nothing in memory: a session made by one must sign the user in
on the others, and concurrent writes from all of them must all land. The PostgreSQL tests
run a throwaway cluster (initdb in a temporary folder, on a free port on 127.0.0.1) that is
stopped again at the end of the session.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from auth_todos_helpers import APP, html_client, png, signed_in, sqlite_env
from support.servers import ServeApp, Server, free_port

WORKERS = 4
THREADS = 8
CREATES_PER_THREAD = 5
SIGNED_IN_REQUESTS = 30

INSTALL_HINT = "run scripts/install-postgres (Debian's postgresql package)"


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


@dataclass
class PostgresCluster:
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = "todos_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _postgres_bindir() -> Path | None:
    # Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin.
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


def _cannot(reason: str) -> None:
    # In CI a missing PostgreSQL is a broken set-up, not a reason to pass quietly.
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    pytest.importorskip("psycopg", reason="psycopg is missing: pip install -e '.[demo]'")
    bindir = _postgres_bindir()
    if bindir is None:
        _cannot(f"PostgreSQL's initdb and pg_ctl are missing: {INSTALL_HINT}")
        raise AssertionError("unreachable")
    as_owner: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _cannot(f"running as root and there is no 'postgres' user: {INSTALL_HINT}")
            raise AssertionError("unreachable") from None
        as_owner = ["runuser", "-u", "postgres", "--"]

    # Not under pytest's tmp_path: its folders are private to root, and the postgres user
    # must reach this one.
    base = Path(tempfile.mkdtemp(prefix="kite-postgres-"))
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data = base / "data"
    port = free_port()

    def run(*command: str | Path) -> None:
        subprocess.run(
            [*as_owner, *map(str, command)],
            check=True,
            # A folder the postgres user may enter; the caller's may be private to root.
            cwd=base,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
        )

    started = False
    try:
        run(bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync")  # fmt: skip
        # Durability is pointless for a cluster that lives as long as the test run.
        options = (
            f"-k {shlex.quote(str(base))} -h 127.0.0.1 -p {port}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(bindir / "pg_ctl", "-D", data, "-l", base / "server.log", "-o", options,
            "-w", "-t", "60", "start")  # fmt: skip
        started = True
        yield PostgresCluster(port=port)
    except subprocess.CalledProcessError as exc:
        log = (base / "server.log").read_text(errors="replace") if started else ""
        raise RuntimeError(
            f"{shlex.join(map(str, exc.cmd))} failed:\n{exc.stderr.decode(errors='replace')}\n{log}"
        ) from exc
    finally:
        if started:
            run(bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres: PostgresCluster) -> str:
    return postgres.create_database()


@pytest.fixture
def pg_app(served_app: ServeApp, postgres_url: str) -> Server:
    return served_app(APP, workers=WORKERS, env={"DATABASE_URL": postgres_url})


def pg_rows(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


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
            assert client.post("/todos?/create", data={"text": text}).status_code == 200
        duplicate = client.post("/todos?/create", data={"text": "buy MILK"})
        assert duplicate.status_code == 400
        assert "That is already on your list." in duplicate.text
        [(milk_id,)] = pg_rows(postgres_url, "SELECT id FROM todos WHERE text = 'Buy milk'")

        response = client.post("/todos?/toggle", data={"id": str(milk_id), "done": "true"})
        assert 'aria-pressed="true"' in response.text
        assert pg_rows(postgres_url, "SELECT done FROM todos WHERE id = %s", milk_id) == [(True,)]
        page = client.get("/todos", params={"q": "%"}).text
        assert re.findall(r'<span class="text">([^<]*)</span>', page) == ["100% juice"]
        response = client.post("/todos?/edit", data={"id": str(milk_id), "text": "100% JUICE"})
        assert response.status_code == 400
        assert client.post("/todos?/delete", data={"id": str(milk_id)}).status_code == 200

        picture = png(3, 3)
        response = client.post(
            "/account?/upload_avatar", files={"avatar": ("me.png", picture, "image/png")}
        )
        assert "Your new picture is saved." in response.text
        url = re.search(r'src="(/avatar/\d+\?v=\d+)"', response.text)
        assert url is not None
        served = client.get(url.group(1))
        assert (served.headers["content-type"], served.content) == ("image/png", picture)

        with html_client(pg_app.url) as other:
            assert other.post("/login?/register", data={"email": email.upper(),
                              "password": "another password"}).status_code == 400  # fmt: skip

        mine = "(SELECT id FROM users WHERE email = %s)"
        pg_rows(postgres_url, f"UPDATE sessions SET expires_at = 0 WHERE user_id = {mine}", email)
        response = client.get("/todos")
        assert response.status_code == 303
        count = pg_rows(
            postgres_url, f"SELECT COUNT(*) FROM sessions WHERE user_id = {mine}", email
        )
        assert count == [(0,)]
