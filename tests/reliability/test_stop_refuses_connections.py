"""`kite start --workers N` on SIGTERM: once its workers stop accepting, new connections are
refused at once, while the requests in flight finish. (uvicorn's supervisor kept the port
open until the end, so the kernel queued new connections that nobody accepted and reset
them at exit; a proxy cannot retry a POST that it had sent on such a connection.)

Uses tests/apps/slow_requests: a request waits at a gate (a file) that the test opens."""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, free_port, running_server

SLOW_APP = APPS / "slow_requests"
WAIT = 30.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT:g} s for {what}"
        time.sleep(0.02)


def refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return False
    except ConnectionRefusedError:
        return True


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "gate"
    folder.mkdir()
    try:
        yield folder
    finally:
        (folder / "open").touch()  # let a waiting request go, whatever happened


def test_new_connections_are_refused_while_requests_finish(serve_app: ServeApp, gate: Path) -> None:
    server = serve_app(SLOW_APP, workers=2, env={"SLOW_GATE": str(gate)})
    # The server answers once one worker is up: a worker still starting when SIGTERM comes
    # dies by it before it can say "Shutting down", and the count below would never reach 2.
    wait_for(
        lambda: server.log().count("Application startup complete.") == 2, "both workers to start"
    )
    answers: list[httpx.Response | Exception] = []

    def send() -> None:
        try:
            answers.append(httpx.get(server.url + "/held?n=1", trust_env=False, timeout=60))
        except httpx.HTTPError as exc:
            answers.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    wait_for(lambda: len(list(gate.glob("*.started"))) == 1, "the request to arrive")
    assert not refused(server.port)

    server.process.send_signal(signal.SIGTERM)
    wait_for(lambda: server.log().count("Shutting down") == 2, "both workers to shut down")
    # The request is still held at the gate, so the server is still running: yet the port
    # refuses, instead of queueing a connection that would be reset.
    assert refused(server.port)
    assert server.process.poll() is None and thread.is_alive()

    (gate / "open").touch()
    thread.join(WAIT)
    assert len(answers) == 1 and isinstance(answers[0], httpx.Response), answers
    assert (answers[0].status_code, answers[0].text) == (200, "done 1")
    assert server.process.wait(WAIT) == 0


def test_without_what_it_builds_on_uvicorns_supervisor_serves(tmp_path: Path) -> None:
    """When uvicorn's supervisor lacks the methods Kite's overrides, `kite start` says so and
    serves with uvicorn.run: the same answers, and SIGTERM still stops it cleanly."""
    launcher = Path(__file__).resolve().parents[1] / "support" / "without_internals.py"
    port = free_port()
    command = [sys.executable, str(launcher), "supervisor", "start", str(APPS / "basics")]
    command += ["--port", str(port), "--workers", "2"]
    with running_server(command, port=port, log_path=tmp_path / "server.log") as server:
        assert server.client.get("/").status_code == 200
        assert "lacks handle_no_uvicorn_has: serving with uvicorn.run" in server.log()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(WAIT) == 0
