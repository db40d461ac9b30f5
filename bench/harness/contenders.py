"""The servers under test: how each is prepared, started, waited for and stopped.

Each runs alone on 127.0.0.1, in its own process group (its own session), so that stopping
it by its PID also stops the workers it forked. Kite runs as `kite start` runs it; the other
Python apps on the same uvicorn as a developer would start them by hand, `uvicorn.run(app)`
with its defaults (bench/apps/serve.py).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness import install, twin
from harness.paths import APPS, LOGS, ROOT, SEED, VENV_PYTHON

HOST = "127.0.0.1"


@dataclass
class Contender:
    name: str  # as given to --only
    title: str  # in tables
    command: Callable[[int], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    workers: int = 1
    # Run before start, with the port: builds the SvelteKit app for its origin.
    prepare: Callable[[int], None] | None = None
    # A port to prefer, so that a build made for it can be reused on the next run.
    preferred_port: int | None = None


def _python_app(target: str) -> Callable[[int], list[str]]:
    def command(port: int) -> list[str]:
        serve = str(APPS / "serve.py")
        return [str(VENV_PYTHON), serve, target, "--host", HOST, "--port", str(port)]

    return command


def _kite(workers: int, *options: str, app: Path = APPS / "kite") -> Callable[[int], list[str]]:
    def command(port: int) -> list[str]:
        base = [str(VENV_PYTHON), "-m", "kite", "start", str(app), "--host", HOST]
        return [*base, "--port", str(port), "--workers", str(workers), *options]

    return command


def _write_twin(port: int) -> None:
    twin.write_twin()


def _install_fastapi(port: int) -> None:
    install.ensure_fastapi()


class SvelteKit:
    """Built by the harness (bench/.cache/sveltekit), run with `node build`."""

    def __init__(self, reinstall: bool) -> None:
        self.node = "node"
        self.reinstall = reinstall

    def prepare(self, port: int) -> None:
        install.ensure_node_packages(reinstall=self.reinstall)
        self.node = install.ensure_node()
        install.build_sveltekit(self.node, f"http://{HOST}:{port}")

    def command(self, port: int) -> list[str]:
        return [self.node, str(install.SVELTEKIT_DIR / "build")]


def all_contenders(reinstall: bool = False) -> list[Contender]:
    """In the order they run. `reinstall`: npm install the latest SvelteKit again."""
    sveltekit = SvelteKit(reinstall)
    return [
        Contender("kite", "Kite", _kite(1)),
        # The same app written as the docs write it: plain def loads, actions and handle,
        # typed forms on the login page (bench/apps/kite-plain).
        Contender("kite-plain", "Kite, plain def", _kite(1, app=APPS / "kite-plain")),
        # kite-plain's very code with each load, action and hook made `async def`
        # (bench/harness/twin.py): plain ÷ this is the cost of plain functions alone.
        Contender(
            "kite-plain-async",
            "Kite, same code async",
            _kite(1, app=twin.TWIN),
            prepare=_write_twin,
        ),
        Contender("kite-2w", "Kite ×2 workers", _kite(2), workers=2),
        # What the access log costs, and Kite like for like with the apps below, which log.
        Contender("kite-log", "Kite, access log on", _kite(1, "--access-log")),
        Contender(
            "sveltekit",
            "SvelteKit",
            sveltekit.command,
            env={"HOST": HOST, "BENCH_SEED": str(SEED)},
            prepare=sveltekit.prepare,
            preferred_port=41731,
        ),
        # Not a Kite dependency: installed (pinned) into .venv when it runs.
        Contender(
            "fastapi",
            "FastAPI",
            _python_app("fastapi_app:app"),
            prepare=_install_fastapi,
        ),
        Contender("starlette", "Starlette", _python_app("starlette_app:app")),
        Contender("raw-asgi", "raw ASGI", _python_app("raw_asgi:app")),
        Contender("raw-asgi-jinja2", "raw ASGI+Jinja2", _python_app("raw_asgi:app_jinja")),
    ]


def free_port(preferred: int | None = None) -> int:
    for candidate in (preferred, 0):
        if candidate is None:
            continue
        with socket.socket() as probe:
            # As the servers do: a port whose last connections linger in TIME_WAIT is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError("no free port")


class StartError(RuntimeError):
    pass


@dataclass
class Running:
    contender: Contender
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.is_file() else ""
        return "\n".join(text.splitlines()[-lines:])


def cpu_seconds(running: Running) -> float:
    """The CPU time (user + system) used so far by the contender's processes: the server and
    every worker in its process group. Unlike requests per second, CPU time per request
    barely moves when other programs compete for the cores."""
    group = running.process.pid
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # Fields after the command name, which may contain spaces, closes with ")".
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/login")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def _wait_ready(running: Running, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(running.port):
        if running.process.poll() is not None:
            raise StartError(f"exited with {running.process.returncode}:\n{running.log_tail()}")
        if time.monotonic() > deadline:
            raise StartError(f"no answer after {timeout:.0f} s:\n{running.log_tail()}")
        time.sleep(0.2)
    # With several workers the first answer proves only one is up: wait for each to say so
    # (uvicorn logs "Application startup complete." once per worker).
    workers = running.contender.workers
    while (
        workers > 1 and running.log.read_text(errors="replace").count("startup complete") < workers
    ):
        if time.monotonic() > deadline:
            raise StartError(f"not every worker started:\n{running.log_tail()}")
        time.sleep(0.2)


def stop(running: Running) -> None:
    """SIGTERM the contender's process group (the server and any workers), SIGKILL if it
    is still there after 10 s."""
    group = running.process.pid  # start_new_session: the group id is the server's PID
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        running.process.wait(timeout=10)
    # Workers may outlive their parent by a moment; make sure none is left.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


@contextlib.contextmanager
def serving(contender: Contender, timeout: float = 90) -> Iterator[Running]:
    port = free_port(contender.preferred_port)
    if contender.prepare is not None:
        contender.prepare(port)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{contender.name}.log"
    env = {**os.environ, **contender.env, "PORT": str(port)}
    with log.open("wb") as output:
        process = subprocess.Popen(
            contender.command(port),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Running(contender, process, port, log)
    try:
        _wait_ready(running, timeout)
        yield running
    finally:
        stop(running)
