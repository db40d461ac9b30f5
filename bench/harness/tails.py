"""Where the slow requests come from: per-request latency in process, with 32 requests in
flight, beside every pause of the garbage collector, with and without `gc.freeze()` after
start-up.

    PYTHONPATH=bench .venv/bin/python -m harness.tails [--requests 4000] [--app kite]

For each scenario: p50 and p99 latency (wall clock; no sockets), and the collector's
pauses by generation (count, median and longest). A generation-2 collection walks every
object the process holds — the app's modules, templates and routes included — so its
pause grows with the app, and the requests in flight at that moment wait it out.
`gc.freeze()` moves what start-up made out of the collector's sight.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from typing import Any

from harness.inprocess import App, _call, _scope
from harness.paths import APPS
from harness.scenarios import SCENARIOS, Scenario

_pauses: list[tuple[int, float]] = []
_started = 0.0


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    global _started
    if phase == "start":
        _started = time.perf_counter()
    else:
        _pauses.append((info["generation"], time.perf_counter() - _started))


async def _latencies(app: App, scenario: Scenario, requests: int) -> list[float]:
    scope, body = _scope(scenario)
    latencies: list[float] = []

    async def client(count: int) -> None:
        for _ in range(count):
            await asyncio.sleep(0)  # each request in its own turn of the loop, as served
            start = time.perf_counter()
            await _call(app, scope, body)
            latencies.append(time.perf_counter() - start)

    await asyncio.gather(*(client(requests // 32 // 4) for _ in range(32)))  # warm up
    latencies.clear()
    _pauses.clear()
    await asyncio.gather(*(client(requests // 32) for _ in range(32)))
    return latencies


def _row(title: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1e3
    p99 = ordered[int(len(ordered) * 0.99)] * 1e3
    cells = []
    for generation in (0, 1, 2):
        pauses = [p * 1e3 for g, p in _pauses if g == generation]
        if pauses:
            cells.append(
                f"gen{generation} ×{len(pauses)} {statistics.median(pauses):.2f}/"
                f"{max(pauses):.2f} ms"
            )
    return f"| {title} | {p50:.2f} | {p99:.2f} | {p99 / p50:.1f} | {', '.join(cells)} |"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m harness.tails")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--app", default="kite", help="kite or kite-plain")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after start-up")
    arguments = parser.parse_args()
    sys.path.insert(0, str(APPS))
    from kite.server.app import create_app

    app = create_app(APPS / arguments.app)
    if arguments.freeze:
        gc.collect()
        gc.freeze()
    gc.callbacks.append(_on_gc)
    try:
        import uvloop

        run: Any = uvloop.run
    except ImportError:  # pragma: no cover
        run = asyncio.run
    print(f"{arguments.app}, gc.freeze(): {arguments.freeze}")
    print("| scenario | p50 ms | p99 ms | p99 ÷ p50 | collector pauses (median/longest) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for scenario in SCENARIOS:
        print(_row(scenario.title, run(_latencies(app, scenario, arguments.requests))), flush=True)


if __name__ == "__main__":
    main()
