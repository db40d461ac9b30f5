"""Running wrk with a generated Lua script, and reading its numbers back.

The script sets the method, path, headers and body, and its `done` callback prints one JSON
line with the totals and latency percentiles (microseconds), so nothing is scraped from
wrk's human-readable output. No `response` callback: it would slow wrk down for everyone.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.contenders import HOST, Running
from harness.paths import SCRIPTS
from harness.scenarios import Scenario

_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"connect":%.0f,' ..
    '"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f,' ..
    '"p50_us":%.0f,"p90_us":%.0f,"p99_us":%.0f,"max_us":%.0f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    socket_errors: int
    # wrk counts answers with status >= 400 as errors; `unexpected` says how many answers
    # were not of the status class the scenario expects (4xx for the failure scenarios).
    unexpected: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(value: str) -> str:
    if not value.isascii():
        raise ValueError(f"wrk scripts here carry ASCII only: {value!r}")
    return json.dumps(value)  # a JSON string of ASCII is a valid Lua string literal


def write_script(scenario: Scenario, origin: str) -> Path:
    lines = [
        f"wrk.method = {_lua_string(scenario.method)}",
        f"wrk.path = {_lua_string(scenario.path)}",
    ]
    if scenario.body:
        lines.append(f"wrk.body = {_lua_string(scenario.body)}")
    for name, value in scenario.request_headers(origin).items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    SCRIPTS.mkdir(parents=True, exist_ok=True)
    path = SCRIPTS / f"{scenario.name}.lua"
    path.write_text("\n".join(lines) + "\n" + _DONE)
    return path


def run_wrk(
    wrk: str,
    base_url: str,
    script: Path,
    *,
    duration: int,
    connections: int,
    threads: int,
    expect_status: int,
    prefix: Sequence[str] = (),
) -> WrkResult:
    """`prefix` goes before wrk's command line (`taskset -c 1`: wrk on a core of its own)."""
    command = [
        *prefix,
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, duration)}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base_url,
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=duration + 60
    )
    for line in completed.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            raw = json.loads(line.removeprefix("WRK_RESULT "))
            break
    else:
        raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    requests = int(raw["requests"])
    status_errors = int(raw["status"])
    unexpected = requests - status_errors if expect_status >= 400 else status_errors
    return WrkResult(
        requests=requests,
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        socket_errors=int(raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]),
        unexpected=unexpected,
    )


def timed_round(
    wrk: str,
    running: Running,
    scenario: Scenario,
    seconds: int,
    counters: Callable[[Running], tuple[float, ...]],
    prefix: Sequence[str] = (),
) -> tuple[WrkResult, tuple[float, ...]]:
    """One scenario against a running contender, as the scripts that alternate rounds
    (bench/plain_cost.py, bench/tail_sources.py) time it: the answer checked, 2 s of
    warm-up, then `seconds` timed with 32 connections; returns wrk's result and how much
    each of the `counters` (read from the server's /proc entries) moved meanwhile. Wrong
    answers stop the run: a fast wrong answer is not a result."""
    where = f"{running.contender.title}, {scenario.name}"
    problem = scenario.check(HOST, running.port)
    if problem is not None:
        raise SystemExit(f"{where}: {problem}")
    origin = f"http://{HOST}:{running.port}"
    script = write_script(scenario, origin)
    options = {"connections": 32, "threads": 1, "expect_status": scenario.expect_status}
    run_wrk(wrk, origin, script, duration=2, prefix=prefix, **options)
    time.sleep(0.2)
    before = counters(running)
    result = run_wrk(wrk, origin, script, duration=seconds, prefix=prefix, **options)
    after = counters(running)
    if result.unexpected or result.socket_errors or not result.requests:
        raise SystemExit(
            f"{where}: {result.unexpected} unexpected answers, {result.socket_errors} socket errors"
        )
    return result, tuple(b - a for a, b in zip(before, after, strict=True))
