"""Worker faults: `kite start --workers 4` loses one worker to SIGKILL under load, and stops
gracefully on SIGTERM.

The load is the demo's (examples/auth-todos): writer threads, each signed in as its own user,
create, toggle and delete todos; another thread keeps logging in. Each write is recorded as

- acknowledged: the server answered that it was done; it must be in the database afterwards;
- refused: the server answered that it was not done (a duplicate, on purpose); it must not be;
- unknown: the connection broke before an answer came (the worker died). The write may or
  may not have happened, and no HTTP client can know which; the database must then hold
  one of the two states, never a part of a row.

One worker is killed once the load is running; the test waits for uvicorn's supervisor to
start a replacement, keeps the load going through it, and then checks the database row by
row against what the clients were told. The PostgreSQL variant runs on the throwaway cluster
of tests/support/postgres.py.

Graceful shutdown uses tests/apps/slow_requests: its requests wait at a gate (a file the
test creates), so that SIGTERM is sent while they are certainly inside the server.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.devalue import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from auth_todos_helpers import APP, html_client, log_in, register, sqlite_env, unique_email
from support.postgres import PostgresCluster, pg_rows

WORKERS = 4
WRITERS = 6
# Acknowledged writes before the kill, and again after the replacement worker is up.
WRITES_BEFORE_KILL = 30
WRITES_AFTER_RESTART = 30
# Bounds, not expectations: a healthy run takes a few seconds for each step.
STEP_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 30.0

ABSENT: tuple[bool, bool] = (False, False)
OPEN: tuple[bool, bool] = (True, False)
DONE: tuple[bool, bool] = (True, True)


# --- processes ------------------------------------------------------------------------------


def worker_pids(server_pid: int) -> set[int]:
    """The live uvicorn workers of `kite start`: its children started by multiprocessing's
    spawn (its other child, the resource tracker, is not a worker)."""
    pids: set[int] = set()
    for children in Path(f"/proc/{server_pid}/task").glob("*/children"):
        for pid in map(int, children.read_text().split()):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                # Field 3 of stat is the state; a killed worker not yet reaped is Z.
                state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
            except (FileNotFoundError, ProcessLookupError):
                continue
            if b"spawn_main" in cmdline and state != "Z":
                pids.add(pid)
    return pids


def busy_worker(pids: set[int], port: int) -> int | None:
    """A worker that holds an open connection on `port`, if any: with one request per
    connection, that is a worker in the middle of a request, the kill that hurts most."""
    established: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            # local address as HEXIP:HEXPORT; state 01 is ESTABLISHED; field 9 is the inode.
            if int(fields[1].rpartition(":")[2], 16) == port and fields[3] == "01":
                established.add(fields[9])
    for pid in sorted(pids):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if any(link.removeprefix("socket:[").rstrip("]") in established for link in links):
            return pid
    return None


def wait_for(condition: Callable[[], bool], what: str, timeout: float = STEP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


# --- the load -------------------------------------------------------------------------------


@dataclass
class Todo:
    text: str
    # The states (present, done) the row may be in, given what the server answered.
    allowed: set[tuple[bool, bool]]
    # False once an answer was lost: the todo is left alone from then on.
    certain: bool = True


@dataclass
class Writer:
    email: str
    token: str
    todos: list[Todo] = field(default_factory=list)
    acknowledged: int = 0
    refused: int = 0
    unknown: int = 0
    problems: list[str] = field(default_factory=list)


def post_action(url: str, token: str, action: str, data: dict[str, str]) -> httpx.Response:
    # A new connection for each request (Connection: close), so that the load is spread over
    # every worker, and a request reaches whichever worker the kernel hands it to.
    with html_client(url) as client:
        client.cookies.set("sessionid", token)
        return client.post(
            f"/todos?/{action}",
            data=data,
            headers={"Accept": "application/json", "Connection": "close"},
        )


def outcome(writer: Writer, action: str, data: dict[str, str], url: str) -> dict[str, object] | str:
    """The action's result (type, status, data) or "unknown" when no answer came."""
    try:
        response = post_action(url, writer.token, action, data)
    except httpx.TransportError:
        writer.unknown += 1
        return "unknown"
    if response.status_code >= 500:
        writer.problems.append(f"{action} {data}: {response.status_code} {response.text[:200]}")
    result: dict[str, object] = response.json()
    if result.get("type") == "redirect":
        # To the login page: the server no longer knows this session.
        writer.problems.append(f"{action} {data}: signed out ({result.get('location')})")
    return result


def write_once(writer: Writer, number: int, url: str) -> None:
    """Create a todo, create it again (refused), mark it done, and delete every other one."""
    text = f"todo {writer.email[:14]} {number}"
    todo = Todo(text, {ABSENT})
    writer.todos.append(todo)
    result = outcome(writer, "create", {"text": text}, url)
    if result == "unknown":
        todo.allowed, todo.certain = {ABSENT, OPEN}, False
        return
    assert isinstance(result, dict)
    if result.get("type") != "success":
        writer.problems.append(f"create {text!r} not acknowledged: {result}")
        return
    writer.acknowledged += 1
    todo.allowed = {OPEN}
    created = parse(str(result["data"]))["created"]
    todo_id = str(created["id"])

    again = outcome(writer, "create", {"text": text.upper()}, url)
    if isinstance(again, dict):
        if again.get("type") == "failure" and again.get("status") == 400:
            writer.refused += 1
        else:
            writer.problems.append(f"duplicate of {text!r} was not refused: {again}")

    steps: list[tuple[str, dict[str, str], tuple[bool, bool]]] = [
        ("toggle", {"id": todo_id, "done": "true"}, DONE)
    ]
    if number % 2:
        steps.append(("delete", {"id": todo_id}, ABSENT))
    for action, data, after in steps:
        result = outcome(writer, action, data, url)
        if result == "unknown":
            todo.allowed, todo.certain = todo.allowed | {after}, False
            return
        assert isinstance(result, dict)
        if result.get("type") != "success":
            writer.problems.append(f"{action} {text!r} not acknowledged: {result}")
            return
        writer.acknowledged += 1
        todo.allowed = {after}


@dataclass
class Load:
    url: str
    writers: list[Writer]
    login_email: str
    login_tokens: list[str] = field(default_factory=list)
    login_unknown: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return sum(writer.acknowledged for writer in self.writers) + len(self.login_tokens)

    def start(self) -> None:
        for writer in self.writers:
            self.threads.append(threading.Thread(target=self._write, args=(writer,)))
        self.threads.append(threading.Thread(target=self._log_in))
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(STEP_TIMEOUT)
        assert not any(thread.is_alive() for thread in self.threads), "the load did not stop"

    def _write(self, writer: Writer) -> None:
        number = 0
        while not self.stop.is_set():
            write_once(writer, number, self.url)
            number += 1

    def _log_in(self) -> None:
        while not self.stop.is_set():
            with html_client(self.url) as client:
                client.headers["Connection"] = "close"
                try:
                    response = log_in(client, self.login_email)
                except httpx.TransportError:
                    self.login_unknown += 1
                    continue
                if response.status_code == 200:
                    self.login_tokens.append(client.cookies["sessionid"])


def start_load(url: str) -> Load:
    writers = []
    for _ in range(WRITERS):
        with html_client(url) as client:
            email = unique_email("writer")
            assert register(client, email).status_code == 200
            writers.append(Writer(email, client.cookies["sessionid"]))
    with html_client(url) as client:
        login_email = unique_email("login")
        assert register(client, login_email).status_code == 200
    load = Load(url, writers, login_email)
    load.start()
    return load


# --- the scenario ---------------------------------------------------------------------------

# (email, text, text_key, done) of every todo row; `done` as a bool.
ReadTodos = Callable[[], list[tuple[str, str, str, bool]]]


def kill_a_worker_under_load(server: Server, read_todos: ReadTodos) -> Load:
    assert server.process.poll() is None
    wait_for(lambda: len(worker_pids(server.process.pid)) == WORKERS, f"{WORKERS} workers")
    load = start_load(server.url)
    try:
        wait_for(lambda: load.acknowledged >= WRITES_BEFORE_KILL, "writes before the kill")
        before = worker_pids(server.process.pid)
        # Prefer a worker caught in the middle of a request; any will do after a while.
        deadline = time.monotonic() + 5
        victim = busy_worker(before, server.port)
        while victim is None and time.monotonic() < deadline:
            victim = busy_worker(before, server.port)
        os.kill(victim or min(before), signal.SIGKILL)
        victim = victim or min(before)

        def replaced() -> bool:
            now = worker_pids(server.process.pid)
            return len(now) == WORKERS and victim not in now and bool(now - before)

        wait_for(replaced, "a replacement worker")
        restarted_at = load.acknowledged
        wait_for(
            lambda: load.acknowledged >= restarted_at + WRITES_AFTER_RESTART,
            "writes after the restart",
        )
    finally:
        load.finish()
    assert server.process.poll() is None, "the server died with its worker"
    assert f"Child process [{victim}] died" in server.log()
    check_outcome(server, load, read_todos)
    return load


def check_outcome(server: Server, load: Load, read_todos: ReadTodos) -> None:
    problems = [problem for writer in load.writers for problem in writer.problems]
    assert not problems, problems

    rows = read_todos()
    stored: dict[tuple[str, str], bool] = {}
    for email, text, text_key, done in rows:
        # A half-written row would show as a key that does not match its text.
        assert text_key == " ".join(text.split()).casefold(), (email, text, text_key)
        assert (email, text) not in stored, f"{text!r} stored twice"
        stored[(email, text)] = done
    for writer in load.writers:
        for todo in writer.todos:
            key = (writer.email, todo.text)
            state = (True, stored.pop(key)) if key in stored else ABSENT
            assert state in todo.allowed, (writer.email, todo, state)
    # Nothing in the database that no client wrote.
    assert not stored, stored

    # No session lost: every writer, and every acknowledged login, is still signed in.
    tokens = [(w.email, w.token) for w in load.writers]
    tokens += [(load.login_email, token) for token in load.login_tokens]
    for email, token in tokens:
        with html_client(server.url) as client:
            client.cookies.set("sessionid", token)
            page = client.get("/todos")
        assert page.status_code == 200, (email, page.headers.get("location"))
        assert f"Signed in as <strong>{email}</strong>" in page.text


def report(load: Load) -> str:
    writers = load.writers
    return (
        f"acknowledged {sum(w.acknowledged for w in writers)} writes and "
        f"{len(load.login_tokens)} logins, refused {sum(w.refused for w in writers)}, "
        f"unknown {sum(w.unknown for w in writers) + load.login_unknown}"
    )


# --- SQLite and PostgreSQL ------------------------------------------------------------------


def test_sigkill_one_of_four_workers_on_sqlite(serve_app: ServeApp, tmp_path: Path) -> None:
    db_path = tmp_path / "app.sqlite3"
    server = serve_app(APP, workers=WORKERS, env=sqlite_env(db_path))

    def read_todos() -> list[tuple[str, str, str, bool]]:
        with sqlite3.connect(db_path, timeout=30) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = conn.execute(
                "SELECT email, text, text_key, done FROM todos JOIN users ON users.id = user_id"
            ).fetchall()
        conn.close()
        return [(email, text, key, bool(done)) for email, text, key, done in rows]

    load = kill_a_worker_under_load(server, read_todos)
    print("sqlite:", report(load))


def test_sigkill_one_of_four_workers_on_postgres(
    serve_app: ServeApp,
    postgres: PostgresCluster,
) -> None:
    url = postgres.create_database()
    server = serve_app(APP, workers=WORKERS, env={"DATABASE_URL": url})

    def read_todos() -> list[tuple[str, str, str, bool]]:
        rows = pg_rows(
            url, "SELECT email, text, text_key, done FROM todos JOIN users ON users.id = user_id"
        )
        return [(str(e), str(t), str(k), bool(d)) for e, t, k, d in rows]

    load = kill_a_worker_under_load(server, read_todos)
    print("postgres:", report(load))


# --- graceful shutdown ----------------------------------------------------------------------

SLOW_APP = APPS / "slow_requests"
HELD = 6


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "gate"
    folder.mkdir()
    try:
        yield folder
    finally:
        # Whatever happened, let waiting requests go, so that nothing hangs.
        (folder / "open").touch()


@pytest.mark.parametrize("workers", [1, WORKERS])
def test_sigterm_lets_requests_in_flight_finish(
    serve_app: ServeApp, gate: Path, workers: int
) -> None:
    server = serve_app(SLOW_APP, workers=workers, env={"SLOW_GATE": str(gate)})
    # Every worker up before SIGTERM: one still starting would die by it without saying
    # "Shutting down", and the count below would never be reached.
    wait_for(
        lambda: server.log().count("Application startup complete.") == workers,
        "every worker to start",
    )
    answers: dict[int, httpx.Response | Exception] = {}

    def send(number: int) -> None:
        with html_client(server.url) as client:
            try:
                if number % 2:
                    answers[number] = client.post("/save", data={"n": str(number)})
                else:
                    answers[number] = client.get("/held", params={"n": str(number)})
            except httpx.HTTPError as exc:
                answers[number] = exc

    threads = [threading.Thread(target=send, args=(n,)) for n in range(HELD)]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(list(gate.glob("*.started"))) == HELD, "the requests to arrive")

    server.process.send_signal(signal.SIGTERM)
    # Open the gate only once every worker has begun to shut down, so that the requests
    # certainly finish during the shutdown, not before it.
    wait_for(lambda: server.log().count("Shutting down") == workers, "every worker to shut down")
    assert server.process.poll() is None, "the server exited with requests in flight"
    (gate / "open").touch()
    for thread in threads:
        thread.join(SHUTDOWN_TIMEOUT)

    for number in range(HELD):
        answer = answers[number]
        assert isinstance(answer, httpx.Response), (number, answer)
        assert answer.status_code == 200, (number, answer.text[:300])
        expected = f"saved {number}" if number % 2 else f"done {number}"
        assert expected in answer.text
    assert sorted((gate / "writes.txt").read_text().split()) == sorted(
        str(n) for n in range(HELD) if n % 2
    )
    assert server.process.wait(SHUTDOWN_TIMEOUT) == 0, server.log_tail()


def test_sigterm_gives_up_on_a_request_that_never_ends(serve_app: ServeApp, gate: Path) -> None:
    """--graceful-timeout bounds the drain: a request stuck at a gate that never opens does
    not hold the stopping server (its gate gives up only after 30 s)."""
    server = serve_app(
        SLOW_APP, env={"SLOW_GATE": str(gate)}, extra_args=["--graceful-timeout", "1"]
    )
    answers: list[httpx.Response | Exception] = []

    def send() -> None:
        with html_client(server.url) as client:
            try:
                answers.append(client.get("/held", timeout=60))
            except httpx.HTTPError as exc:
                answers.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    wait_for(lambda: len(list(gate.glob("*.started"))) == 1, "the request to arrive")
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(SHUTDOWN_TIMEOUT)
    stopped_after = time.monotonic() - started
    thread.join(SHUTDOWN_TIMEOUT)
    # The drain was cut short by the timeout (the gate itself gives up only after 30 s).
    assert "timeout graceful shutdown exceeded" in server.log(), server.log_tail()
    assert stopped_after < 20, (stopped_after, server.log_tail())
    assert answers and not (
        isinstance(answers[0], httpx.Response) and answers[0].status_code == 200
    ), answers
