"""The soak test: examples/auth-todos under mixed load at ~80% of its maximum, for minutes.

Run it as `bench/soak` (see `bench/soak --help` and docs/reliability.md, "Soak"). Steps:

1. start the demo with `kite start --workers N` on a fresh SQLite file in a temporary folder
   (or on `--database-url`), register one user per wrk thread, each with a few todos;
2. probe: wrk without pauses for `--probe-seconds` gives the maximum rate R;
3. calibrate: wrk's Lua `delay()` pauses each connection before each request; a few short
   runs adjust the pause until the rate is `--target` (0.8) x R. Debian has wrk, not wrk2, so
   the rate is set by this pause on a fixed number of connections: a closed loop, whose rate
   drifts a little with latency, which is why it is measured and reported for every minute;
4. warm up for `--warmup-seconds`, then run one 60-second wrk per minute, sampling the
   server's memory (RSS summed over the supervisor and its workers) after each;
5. print a Markdown block and exit 1 when any request failed (a status other than 2xx/3xx,
   or a socket error or timeout) or RSS grew by more than `--max-rss-growth` percent between
   the end of the warm-up and the end.

The traffic is bench/soak.lua: page views, native and enhanced actions, logins and logouts,
todo creates, toggles, edits and deletes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from kite.devalue import parse

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
APP = ROOT / "examples" / "auth-todos"
LUA = BENCH / "soak.lua"
PASSWORD = "soak test password"
FIXED_TODOS = 5
STARTUP_TIMEOUT = 60.0
CALIBRATION_SECONDS = 5
CALIBRATION_ROUNDS = 6
CALIBRATION_DAMPING = 0.7
# Close enough to the target rate to stop calibrating.
RATE_TOLERANCE = 0.05


@dataclass
class Segment:
    """One wrk run."""

    seconds: float
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    statuses: Counter[int]
    socket_errors: dict[str, int]
    kinds: Counter[str]
    rss_mib: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def bad_statuses(self) -> Counter[int]:
        return Counter({s: n for s, n in self.statuses.items() if not 200 <= s < 400})

    @property
    def errors(self) -> int:
        return sum(self.bad_statuses.values()) + sum(self.socket_errors.values())


@dataclass
class Run:
    options: argparse.Namespace
    probe_rate: float = 0.0
    max_rate: float = 0.0
    target_rate: float = 0.0
    delay_ms: int = 0
    rss_start: float = 0.0
    warmup: Segment | None = None
    minutes: list[Segment] = field(default_factory=list)

    @property
    def rss_after_warmup(self) -> float:
        return self.warmup.rss_mib if self.warmup else 0.0

    @property
    def rss_end(self) -> float:
        return self.minutes[-1].rss_mib if self.minutes else 0.0

    @property
    def rss_growth(self) -> float:
        """Percent, end against after warm-up."""
        if not self.rss_after_warmup:
            return 0.0
        return 100 * (self.rss_end - self.rss_after_warmup) / self.rss_after_warmup

    @property
    def loaded(self) -> list[Segment]:
        return ([self.warmup] if self.warmup else []) + self.minutes

    def passed(self) -> bool:
        errors = sum(segment.errors for segment in self.loaded)
        return errors == 0 and self.rss_growth <= self.options.max_rss_growth


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def demo_server(options: argparse.Namespace, folder: Path) -> Iterator[tuple[str, int]]:
    """`kite start` on the demo; yields (url, pid) and stops it with SIGTERM."""
    port = free_port()
    database = options.database_url or f"sqlite:///{folder / 'soak.sqlite3'}"
    command = [sys.executable, "-m", "kite", "start", str(APP), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(options.workers), "--no-access-log"]
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            env={**os.environ, "DATABASE_URL": database, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process, log_path)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if options.keep_log:
            shutil.copy(log_path, options.keep_log)


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with httpx.Client(timeout=2, trust_env=False) as client:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"soak: the server exited at start-up:\n{log_path.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                client.get(url + "/")
                return
            if time.monotonic() > deadline:
                raise SystemExit(f"soak: no answer from {url} within {STARTUP_TIMEOUT:g} s")
            time.sleep(0.1)


def rss_mib(pid: int) -> float:
    """Resident memory of `pid` and all its descendants, in MiB."""
    total_kib = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
            for children in Path(f"/proc/{current}/task").glob("*/children"):
                pending += [int(child) for child in children.read_text().split()]
    return total_kib / 1024


# --- users ----------------------------------------------------------------------------------


def make_users(url: str, count: int, path: Path) -> None:
    """Register `count` users with a few todos each; write bench/soak.lua's users file."""
    lines = []
    for number in range(count):
        email = f"soak-{number}-{os.urandom(4).hex()}@example.com"
        with httpx.Client(base_url=url, headers={"Origin": url}, trust_env=False) as client:
            response = client.post(
                "/login?/register",
                data={"email": email, "password": PASSWORD},
                headers={"Accept": "text/html"},
            )
            if response.status_code != 200 or "sessionid" not in client.cookies:
                raise SystemExit(f"soak: could not register {email}: {response.status_code}")
            ids = [create_todo(client, f"fixed {number} {n}") for n in range(FIXED_TODOS)]
            lines.append(f"{email}\t{PASSWORD}\t{client.cookies['sessionid']}\t{','.join(ids)}")
    path.write_text("\n".join(lines) + "\n")


def create_todo(client: httpx.Client, text: str) -> str:
    response = client.post(
        "/todos?/create",
        data={"text": text},
        headers={"Accept": "application/json", "x-sveltekit-action": "true"},
    )
    result = response.json()
    if result.get("type") != "success":
        raise SystemExit(f"soak: could not create a todo: {result}")
    return str(parse(result["data"])["created"]["id"])


def tidy(url: str, users: Path) -> None:
    """Delete the todos a wrk run created and had not deleted again when it stopped, so that
    the lists stay as short in minute ten as in minute one."""
    for line in users.read_text().splitlines():
        token = line.split("\t")[2]
        with httpx.Client(base_url=url, headers={"Origin": url}, trust_env=False) as client:
            client.cookies.set("sessionid", token)
            page = client.get("/todos", params={"q": "soak"}, headers={"Accept": "text/html"})
            for todo_id in re.findall(r'<li id="todo-(\d+)"', page.text):
                client.post(
                    "/todos?/delete",
                    data={"id": todo_id},
                    headers={"Accept": "application/json", "x-sveltekit-action": "true"},
                )


# --- wrk ------------------------------------------------------------------------------------


def run_wrk(
    options: argparse.Namespace, url: str, users: Path, *, seconds: int, delay_ms: int
) -> Segment:
    env = {
        **os.environ,
        "SOAK_ORIGIN": url,
        "SOAK_USERS": str(users),
        "SOAK_DELAY_MS": str(delay_ms),
        # Part of the texts of new todos: unique across runs, whatever a run left behind.
        "SOAK_RUN": str(time.monotonic_ns()),
    }
    command = [options.wrk, f"-t{options.threads}", f"-c{options.connections}"]
    command += [f"-d{seconds}s", "--timeout", f"{options.timeout}s", "-s", str(LUA), url]
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=seconds + 120
    )
    for line in completed.stdout.splitlines():
        if line.startswith("SOAK_SAMPLE "):
            log("failed request: " + line.removeprefix("SOAK_SAMPLE "))
    for line in completed.stdout.splitlines():
        if line.startswith("SOAK_RESULT "):
            raw = json.loads(line.removeprefix("SOAK_RESULT "))
            break
    else:
        raise SystemExit(f"soak: wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    tidy(url, users)
    return Segment(
        seconds=raw["duration_us"] / 1e6,
        requests=raw["requests"],
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        statuses=Counter({int(s): n for s, n in raw["statuses"].items()}),
        socket_errors={k: raw[k] for k in ("connect", "read", "write", "timeout") if raw[k]},
        kinds=Counter(raw["kinds"]),
    )


def calibrate(options: argparse.Namespace, url: str, users: Path, run: Run) -> None:
    """Find the per-request pause that brings the rate to the target."""
    connections = options.connections
    # First guess: the latency at the maximum is an upper bound of the latency below it.
    delay = max(0.0, 1000 * connections * (1 / run.target_rate - 1 / run.max_rate))
    for _ in range(CALIBRATION_ROUNDS):
        segment = run_wrk(options, url, users, seconds=CALIBRATION_SECONDS, delay_ms=round(delay))
        log(f"calibrate: pause {round(delay)} ms -> {segment.rate:.0f} req/s")
        if not segment.rate or abs(segment.rate / run.target_rate - 1) <= RATE_TOLERANCE:
            break
        if round(delay) == 0 and segment.rate < run.target_rate:
            # Without pauses and still under the target: the machine is slower now than
            # during the probe (a shared one, say). This run is the new maximum.
            run.max_rate = segment.rate
            run.target_rate = options.target * segment.rate
            log(f"re-measured maximum {run.max_rate:.0f} req/s")
        # rate = connections / (pause + latency): keep the latency, change the pause; only
        # part of the way, since the latency falls as the pause grows.
        step = 1000 * connections * (1 / run.target_rate - 1 / segment.rate)
        delay = max(0.0, delay + CALIBRATION_DAMPING * step)
    run.delay_ms = round(delay)


def log(message: str) -> None:
    print(f"soak: {message}", file=sys.stderr, flush=True)


# --- the run --------------------------------------------------------------------------------


def soak(options: argparse.Namespace) -> Run:
    run = Run(options)
    with tempfile.TemporaryDirectory(prefix="kite-soak-") as tmp:
        folder = Path(tmp)
        with demo_server(options, folder) as (url, pid):
            users = folder / "users.tsv"
            make_users(url, options.threads, users)
            run.rss_start = rss_mib(pid)
            log(f"server {url} (pid {pid}), RSS {run.rss_start:.1f} MiB")

            probe = run_wrk(options, url, users, seconds=options.probe_seconds, delay_ms=0)
            run.probe_rate = run.max_rate = probe.rate
            run.target_rate = options.target * probe.rate
            log(f"maximum {probe.rate:.0f} req/s (p99 {probe.p99_ms:.1f} ms)")
            calibrate(options, url, users, run)

            run.warmup = run_wrk(
                options, url, users, seconds=options.warmup_seconds, delay_ms=run.delay_ms
            )
            run.warmup.rss_mib = rss_mib(pid)
            log(f"warm-up: {run.warmup.rate:.0f} req/s, RSS {run.warmup.rss_mib:.1f} MiB")
            for minute in range(1, options.minutes + 1):
                segment = run_wrk(options, url, users, seconds=60, delay_ms=run.delay_ms)
                segment.rss_mib = rss_mib(pid)
                run.minutes.append(segment)
                log(
                    f"minute {minute}: {segment.rate:.0f} req/s, p99 {segment.p99_ms:.1f} ms, "
                    f"errors {segment.errors}, RSS {segment.rss_mib:.1f} MiB"
                )
    return run


def markdown(run: Run) -> str:
    options = run.options
    total = sum(segment.requests for segment in run.loaded)
    bad: Counter[int] = Counter()
    sockets: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for segment in run.loaded:
        bad.update(segment.bad_statuses)
        sockets.update(segment.socket_errors)
        kinds.update(segment.kinds)
    database = "PostgreSQL" if options.database_url else "SQLite"
    lines = [
        f"### Soak: `{command_line(options)}`",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"`kite start --workers {options.workers}` on {database}, wrk -t{options.threads} "
        f"-c{options.connections}.",
        "",
        f"- maximum: {run.max_rate:.0f} req/s (without pauses; the {options.probe_seconds} s "
        f"probe gave {run.probe_rate:.0f}); "
        f"target {options.target:.0%}: {run.target_rate:.0f} req/s, reached with a "
        f"{run.delay_ms} ms pause per request per connection",
        f"- requests (warm-up + {len(run.minutes)} min): {total}",
        f"- responses other than 2xx/3xx: {format_counts(bad) or 'none'}; "
        f"socket errors: {format_counts(sockets) or 'none'}",
        f"- RSS (supervisor + workers): start {run.rss_start:.1f} MiB, after warm-up "
        f"{run.rss_after_warmup:.1f} MiB, end {run.rss_end:.1f} MiB "
        f"({run.rss_growth:+.1f}% after warm-up; limit +{options.max_rss_growth:g}%)",
        f"- mix: {format_counts(kinds, share_of=sum(kinds.values()))}",
        f"- result: {'PASS' if run.passed() else 'FAIL'}",
        "",
        "| minute | requests | req/s | p50 ms | p99 ms | max ms | errors | RSS MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = [("warm-up", run.warmup)] if run.warmup else []
    rows += [(str(n), segment) for n, segment in enumerate(run.minutes, 1)]
    for name, segment in rows:
        lines.append(
            f"| {name} | {segment.requests} | {segment.rate:.0f} | {segment.p50_ms:.1f} | "
            f"{segment.p99_ms:.1f} | {segment.max_ms:.0f} | {segment.errors} | "
            f"{segment.rss_mib:.1f} |"
        )
    return "\n".join(lines)


def format_counts(counts: Counter[int] | Counter[str], share_of: int = 0) -> str:
    items = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    if share_of:
        return ", ".join(f"{key} {100 * n / share_of:.0f}%" for key, n in items)
    return ", ".join(f"{key}: {n}" for key, n in items)


def command_line(options: argparse.Namespace) -> str:
    words = ["bench/soak", "--minutes", str(options.minutes), "--workers", str(options.workers)]
    return " ".join(words)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bench/soak", description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=int, default=10, help="measured minutes (default 10)")
    p.add_argument("--workers", type=int, default=4, help="kite start --workers (default 4)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads = users (default 2)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    p.add_argument("--target", type=float, default=0.8, help="share of the maximum rate")
    p.add_argument("--probe-seconds", type=int, default=10, help="maximum-rate probe (10)")
    p.add_argument("--warmup-seconds", type=int, default=60, help="warm-up, not counted (60)")
    p.add_argument("--timeout", type=int, default=10, help="wrk's request timeout, seconds")
    p.add_argument("--max-rss-growth", type=float, default=10.0, help="percent (default 10)")
    p.add_argument("--database-url", help="e.g. postgresql://...; default: a new SQLite file")
    p.add_argument("--keep-log", type=Path, help="copy the server's log here at the end")
    p.add_argument("--wrk", default=None, help="the wrk binary (default: from PATH)")
    return p


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    if options.minutes < 1 or options.workers < 1 or options.threads < 1:
        raise SystemExit("soak: --minutes, --workers and --threads must be at least 1")
    if options.connections < options.threads:
        raise SystemExit("soak: wrk needs at least one connection per thread (--connections)")
    if not 0 < options.target <= 1:
        raise SystemExit("soak: --target is a share of the maximum, between 0 and 1")
    options.wrk = options.wrk or shutil.which("wrk")
    if options.wrk is None:
        raise SystemExit("soak: wrk is missing: apt-get install wrk (bench/run installs it)")
    run = soak(options)
    print(markdown(run))
    return 0 if run.passed() else 1


if __name__ == "__main__":
    sys.exit(main())
