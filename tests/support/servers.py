"""Real server processes for tests, always stopped again.

Nothing here depends on Kite's internals: a server is any command that ends up answering HTTP on
127.0.0.1:<port>. That is what lets tests/test_infrastructure.py check these helpers against
`python -m http.server` while the Kite server itself is still being written.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0

# Every server that is running, so that a failing test can show what the servers logged
# meanwhile (see pytest_runtest_makereport in tests/conftest.py).
LIVE_SERVERS: list[Server] = []


class ServerStartError(RuntimeError):
    pass


class ServeApp(Protocol):
    """The type of the serve_app and served_app fixtures (factories), for annotating tests."""

    def __call__(
        self,
        app_dir: str | Path,
        *,
        dev: bool = False,
        workers: int = 1,
        env: Mapping[str, str] | None = None,
        extra_args: Sequence[str] = (),
    ) -> Server: ...


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(eq=False)
class Server:
    url: str
    port: int
    command: list[str]
    process: subprocess.Popen[bytes]
    log_path: Path
    # trust_env=False everywhere: an HTTP(S)_PROXY in the environment must not capture
    # requests to 127.0.0.1.
    client: httpx.Client

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT. Safe to call twice."""
        self.client.close()
        if self in LIVE_SERVERS:
            LIVE_SERVERS.remove(self)
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            # The process leads its own group (start_new_session), which also holds whatever it
            # spawned (uvicorn workers, the reloader's child): kill them all, or they keep the
            # port.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_server(
    command: Sequence[str],
    *,
    port: int,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = STARTUP_TIMEOUT,
) -> Server:
    """Start `command` (which must listen on 127.0.0.1:`port`) and wait until it answers HTTP.

    Any HTTP status counts as ready: the point is that the socket accepts and speaks HTTP.
    """
    url = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Ctrl-C in the terminal then reaches pytest only, whose teardown stops the server;
            # and stop() can kill the whole group.
            start_new_session=True,
        )
    server = Server(
        url=url,
        port=port,
        command=list(command),
        process=process,
        log_path=log_path,
        client=httpx.Client(base_url=url, follow_redirects=False, trust_env=False),
    )
    LIVE_SERVERS.append(server)
    try:
        _wait_until_ready(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0, trust_env=False) as probe:
        while True:
            code = server.process.poll()
            if code is not None:
                raise ServerStartError(
                    f"server exited with code {code} before answering HTTP\n"
                    f"command: {shlex.join(server.command)}\n--- log tail ---\n{server.log_tail()}"
                )
            try:
                probe.get(server.url + "/")
                return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerStartError(
                    f"server did not answer HTTP on {server.url} within {timeout:g} s\n"
                    f"command: {shlex.join(server.command)}\n--- log tail ---\n{server.log_tail()}"
                )
            time.sleep(0.05)


@contextlib.contextmanager
def running_server(
    command: Sequence[str],
    *,
    port: int,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[Server]:
    server = start_server(command, port=port, log_path=log_path, env=env, cwd=cwd, timeout=timeout)
    try:
        yield server
    finally:
        server.stop()


def kite_command(
    app_dir: str | Path,
    *,
    port: int,
    dev: bool = False,
    workers: int = 1,
    extra_args: Sequence[str] = (),
) -> list[str]:
    command = [sys.executable, "-m", "kite", "dev" if dev else "start", str(app_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if workers != 1:
        command += ["--workers", str(workers)]
    return [*command, *extra_args]


def run_kite(
    *args: str | Path, cwd: str | Path | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run `python -m kite ARGS...` to completion, for CLI tests. Never raises on exit code."""
    return subprocess.run(
        [sys.executable, "-m", "kite", *map(str, args)],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
