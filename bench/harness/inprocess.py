"""Microseconds per request, in process: each Python contender's ASGI callable driven directly
with a minimal scope/receive/send loop, no server and no sockets.

    PYTHONPATH=bench .venv/bin/python -m harness.inprocess [--requests 400] [--rounds 5]
    PYTHONPATH=bench .venv/bin/python -m harness.inprocess --profile login-page

What it measures is the application's own cost per request, which the noise of a shared
machine disturbs far less than a wrk run. `--profile SCENARIO` runs Kite's answer to one
scenario under cProfile and prints the functions that cost the most.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from harness.paths import APPS
from harness.scenarios import SCENARIOS, Scenario

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
HOST = "127.0.0.1:8000"


def _apps() -> dict[str, App]:
    sys.path.insert(0, str(APPS))
    import raw_asgi
    import starlette_app

    from kite.server.app import create_app

    apps: dict[str, App] = {
        "kite": create_app(APPS / "kite"),
        "starlette": starlette_app.app,
        "raw-asgi": raw_asgi.app,
        "raw-asgi-jinja2": raw_asgi.app_jinja,
    }
    try:  # installed by bench/run when the fastapi contender runs, not by scripts/setup
        import fastapi_app
    except ImportError:
        return apps
    return {**apps, "fastapi": fastapi_app.app}


def _scope(scenario: Scenario) -> tuple[dict[str, Any], bytes]:
    path, _, query = scenario.path.partition("?")
    headers = {"host": HOST, **scenario.request_headers(f"http://{HOST}")}
    body = scenario.body.encode()
    if body:
        headers["content-length"] = str(len(body))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    return scope, body


async def _call(app: App, scope: dict[str, Any], body: bytes) -> int:
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    status = 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(dict(scope), receive, send)
    return status


async def _time(app: App, scenario: Scenario, requests: int, rounds: int) -> float:
    scope, body = _scope(scenario)
    status = await _call(app, scope, body)
    if status != scenario.expect_status:
        raise SystemExit(f"{scenario.name}: status {status}, expected {scenario.expect_status}")
    for _ in range(requests // 4):
        await _call(app, scope, body)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(requests):
            await _call(app, scope, body)
        best = min(best, (time.perf_counter() - start) / requests)
    return best * 1e6


def _table(requests: int, rounds: int, only: list[str]) -> None:
    apps = _apps()
    names = [name for name in apps if not only or name in only]
    print("| scenario | " + " | ".join(f"{name} µs" for name in names) + " | kite ÷ each |")
    print("| --- |" + " ---: |" * (len(names) + 1))
    for scenario in SCENARIOS:
        cells = {name: asyncio.run(_time(apps[name], scenario, requests, rounds)) for name in names}
        ratios = ", ".join(
            f"{cells['kite'] / cells[name]:.2f}× {name}"
            for name in names
            if name != "kite" and "kite" in cells
        )
        row = " | ".join(f"{cells[name]:.0f}" for name in names)
        print(f"| {scenario.title} | {row} | {ratios} |", flush=True)


def _profile(name: str, requests: int, contender: str) -> None:
    app = _apps()[contender]
    scenario = next(s for s in SCENARIOS if s.name == name)
    asyncio.run(_time(app, scenario, 50, 1))
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(_time(app, scenario, requests, 1))
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.inprocess")
    parser.add_argument("--requests", type=int, default=400, help="per timed round (400)")
    parser.add_argument("--rounds", type=int, default=5, help="the best round counts (5)")
    parser.add_argument("--only", default="", help="contenders, comma-separated")
    parser.add_argument("--profile", metavar="SCENARIO", help="cProfile one scenario instead")
    parser.add_argument("--contender", default="kite", help="whose answer --profile runs")
    arguments = parser.parse_args()
    if arguments.profile:
        _profile(arguments.profile, arguments.requests, arguments.contender)
    else:
        only = [name for name in arguments.only.split(",") if name]
        _table(arguments.requests, arguments.rounds, only)


if __name__ == "__main__":
    main()
