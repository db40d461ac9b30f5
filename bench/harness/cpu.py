"""Server CPU per request, in process: the benchmark app written the plain way (`def` loads,
actions and `handle`, a typed login form: bench/apps/kite-plain) against its async twin, the
very same code with each of those functions made `async def` (bench/harness/twin.py), and
against the app written for speed (bench/apps/kite), with many requests in flight as under
wrk. `plain ÷ twin` is what plain functions cost, like for like.

    PYTHONPATH=bench .venv/bin/python -m harness.cpu [--requests 2000] [--rounds 7]
        [--concurrency 32] [--only login-page,todos-page] [--apps plain,twin]

Each ASGI app is called directly on one event loop (uvloop, as `kite start` runs), without
sockets. `time.process_time()` counts the CPU of every thread of the process, so a plain
function's hand-off to a worker thread and back is in the figure. Rounds alternate between
the two apps (A, B, A, B, ...) so that a busy neighbour on a shared machine slows both
alike; the table shows the median round and the fastest.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from harness import twin
from harness.inprocess import App, _call, _scope
from harness.paths import APPS
from harness.scenarios import SCENARIOS, Scenario

APPS_MEASURED = {
    "async": "Kite app (async)",
    "plain": "plain def",
    "twin": "same code async",
}


def _apps(names: list[str]) -> dict[str, App]:
    sys.path.insert(0, str(APPS))
    from kite.server.app import create_app

    folders = {"async": APPS / "kite", "plain": APPS / "kite-plain"}
    if "twin" in names:
        folders["twin"] = twin.write_twin()
    apps = {name: create_app(folders[name]) for name in names}
    # As `kite start` does once the app is created (kite.server.app.start_app), here by
    # hand so that older Kites can be measured alike.
    gc.collect()
    gc.freeze()
    return apps


def _runner() -> Callable[[Coroutine[Any, Any, float]], float]:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run
    return uvloop.run


async def _round(app: App, scenario: Scenario, requests: int, concurrency: int) -> float:
    """CPU microseconds per request over `requests`, `concurrency` of them at a time."""
    scope, body = _scope(scenario)
    status = await _call(app, scope, body)
    if status != scenario.expect_status:
        raise SystemExit(f"{scenario.name}: status {status}, expected {scenario.expect_status}")

    async def client(count: int) -> None:
        for _ in range(count):
            # As under a server, where each request starts in its own turn of the event loop
            # (when its bytes arrive): without this, a request that never waits would run
            # all of its client's requests back to back, in caches no server enjoys.
            await asyncio.sleep(0)
            await _call(app, scope, body)

    each = max(1, requests // concurrency)
    await asyncio.gather(*(client(each // 4) for _ in range(concurrency)))  # warm up
    start = time.process_time()
    await asyncio.gather(*(client(each) for _ in range(concurrency)))
    return (time.process_time() - start) / (each * concurrency) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.cpu")
    parser.add_argument("--requests", type=int, default=2000, help="per round (2000)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per app (7)")
    parser.add_argument("--concurrency", type=int, default=32, help="in flight (32)")
    parser.add_argument("--only", default="", help="scenarios, comma-separated")
    parser.add_argument(
        "--apps", default=",".join(APPS_MEASURED), help="async,plain,twin (all three)"
    )
    arguments = parser.parse_args()
    only = [name for name in arguments.only.split(",") if name]
    names = [name for name in APPS_MEASURED if name in arguments.apps.split(",")]
    apps = _apps(names)
    run = _runner()
    # plain ÷ twin is the like-for-like ratio; plain ÷ async compares with the fast app.
    ratios = [(a, b) for a, b in (("plain", "twin"), ("plain", "async")) if a in apps and b in apps]
    print(f"CPU µs per request, {arguments.concurrency} in flight; median (fastest) of rounds")
    header = [APPS_MEASURED[n] for n in names]
    header += [f"{APPS_MEASURED[a]} ÷ {APPS_MEASURED[b]}" for a, b in ratios]
    print("| scenario | " + " | ".join(header) + " |")
    print("| --- |" + " ---: |" * len(header))
    for scenario in SCENARIOS:
        if only and scenario.name not in only:
            continue
        cells: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(arguments.rounds):
            for name, app in apps.items():
                cells[name].append(
                    run(_round(app, scenario, arguments.requests, arguments.concurrency))
                )
        median = {n: statistics.median(cells[n]) for n in names}
        fastest = {n: min(cells[n]) for n in names}
        row = [f"{median[n]:.0f} ({fastest[n]:.0f})" for n in names]
        row += [f"{median[a] / median[b]:.2f} ({fastest[a] / fastest[b]:.2f})" for a, b in ratios]
        print(f"| {scenario.title} | " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
