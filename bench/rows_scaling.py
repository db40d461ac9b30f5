"""Row-count scaling: `GET /todos` with the seeded session when the user has N todos, for N in
10 … 5,000. Server CPU microseconds per request, in process, for Kite (bench/apps/kite,
`async def`), Kite written the plain way (bench/apps/kite-plain, `def`), the hand-written
Starlette app (bench/apps/starlette_app.py) and, when it is there and FastAPI is installed,
the hand-written FastAPI app (bench/apps/fastapi_app.py).

    .venv/bin/python bench/rows_scaling.py [--counts 10,100,1000,5000] [--rounds 5]

For each N, a seed with N todos per user (the benchmark seed's users, session and todo texts)
is written to a temporary folder, and a child process started with `BENCH_SEED` naming it, the
way every contender's store reads its seed (benchlib/store.py). The child checks that each
app's answer is a 200 listing exactly N todos (one hidden `name="id"` input per todo), then
times them in rounds that alternate between the apps (A, B, C, A, B, C, ...), so that a busy
neighbour on a shared machine slows all alike, and reports the median round.

No server and no sockets: each ASGI app is called directly on one event loop (uvloop, as
`kite start` runs it), one request at a time. `time.process_time()` counts the CPU of every
thread of the process, so kite-plain's hand-off of its `def load` to a worker thread is in
its figure. The per-row cost is the slope between the smallest and the largest N. Each Kite
figure is also given as a ratio to each hand-written app's at the same N (below 1: Kite
spends less CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
APPS = BENCH / "apps"
SEED = APPS / "seed.json"
HOST = "127.0.0.1:8000"
MARKER = b'name="id"'  # one per todo: the hidden input of its toggle form
# Rows rendered per timed round: fewer requests per round as N grows, so that every round
# takes about as long (a few tenths of a second).
ROWS_PER_ROUND = 100_000

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def write_seed(folder: Path, count: int) -> Path:
    """The benchmark seed with `count` todos (ids 1 … count, the seed's texts and done
    pattern repeated) instead of its 50."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    base = seed["todos"]
    todos = []
    for index in range(count):
        model = base[index % len(base)]
        text = re.sub(r"#\d+$", f"#{index + 1}", model["text"])
        todos.append({"id": index + 1, "text": text, "done": model["done"]})
    seed["todos"] = todos
    path = folder / f"seed-{count}.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


# --- the child: one N, every app ---------------------------------------------------------


def _apps() -> dict[str, App]:
    sys.path.insert(0, str(APPS))
    import starlette_app

    from kite.server.app import create_app

    apps: dict[str, App] = {
        "kite": create_app(APPS / "kite"),
        "kite-plain": create_app(APPS / "kite-plain"),
        "starlette": starlette_app.app,
    }
    if (APPS / "fastapi_app.py").exists():
        try:
            import fastapi_app
        except ImportError:  # FastAPI is installed by bench/run when it runs that contender
            pass
        else:
            apps["fastapi"] = fastapi_app.app
    # As `kite start` does once the app is created; the same for every app.
    gc.collect()
    gc.freeze()
    return apps


def _scope(token: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/todos",
        "raw_path": b"/todos",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", HOST.encode()),
            (b"accept", b"text/html"),
            (b"cookie", f"sessionid={token}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _get(app: App, scope: dict[str, Any]) -> tuple[int, bytes]:
    status = 0
    body: list[bytes] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(dict(scope), receive, send)
    return status, b"".join(body)


async def _check(name: str, app: App, scope: dict[str, Any], count: int) -> None:
    status, body = await _get(app, scope)
    found = body.count(MARKER)
    if status != 200 or found != count:
        raise SystemExit(f"{name}: status {status} with {found} todos, expected 200 with {count}")


async def _round(app: App, scope: dict[str, Any], requests: int) -> float:
    """CPU microseconds per request over `requests`, one at a time."""
    start = time.process_time()
    for _ in range(requests):
        await _get(app, scope)
    return (time.process_time() - start) / requests * 1e6


def child(count: int, rounds: int) -> None:
    """Print {app: median µs} as JSON for the seed BENCH_SEED names (with `count` todos)."""
    try:
        import uvloop

        run: Callable[[Any], Any] = uvloop.run
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        run = asyncio.run
    seed = json.loads(Path(os.environ["BENCH_SEED"]).read_text(encoding="utf-8"))
    scope = _scope(seed["session"]["token"])
    apps = _apps()
    requests = max(10, min(1000, ROWS_PER_ROUND // count))
    for name, app in apps.items():
        run(_check(name, app, scope, count))
        run(_round(app, scope, max(1, requests // 4)))  # warm up
    cells: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            cells[name].append(run(_round(app, scope, requests)))
    print(json.dumps({name: statistics.median(values) for name, values in cells.items()}))


# --- the parent: a child per N, the table ------------------------------------------------


def measure(count: int, rounds: int, folder: Path) -> dict[str, float]:
    seed = write_seed(folder, count)
    env = {**os.environ, "BENCH_SEED": str(seed)}
    command = [sys.executable, __file__, "--child", str(count), "--rounds", str(rounds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"N={count}: {done.stderr.strip() or done.stdout.strip()}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(results: dict[int, dict[str, float]]) -> None:
    names = list(next(iter(results.values())))
    kites = [name for name in names if name.startswith("kite")]
    peers = [name for name in names if name not in kites]
    pairs = [(kite, peer) for peer in peers for kite in kites]
    print("CPU µs per GET /todos, in process, median of rounds; ratios: Kite µs ÷ peer µs")
    header = " | ".join(f"{name} µs" for name in names)
    ratios = " | ".join(f"{kite} ÷ {peer}" for kite, peer in pairs)
    print(f"| todos | {header} | {ratios} |")
    print("| ---: |" + " ---: |" * (len(names) + len(pairs)))
    for count, cells in results.items():
        row = " | ".join(f"{cells[name]:,.0f}" for name in names)
        ratio = " | ".join(f"{cells[kite] / cells[peer]:.2f}" for kite, peer in pairs)
        print(f"| {count:,} | {row} | {ratio} |")
    low, high = min(results), max(results)
    if low == high:
        return
    print(f"\nPer row (slope from {low:,} to {high:,} todos), µs per todo")
    print("| " + " | ".join(names) + " |")
    print("|" + " ---: |" * len(names))
    slopes = [(results[high][n] - results[low][n]) / (high - low) for n in names]
    print("| " + " | ".join(f"{slope:.2f}" for slope in slopes) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="10,100,1000,5000", help="todos per user")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per app, median kept (5)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        child(arguments.child, arguments.rounds)
        return
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kite-rows-") as folder:
        for count in [int(c) for c in arguments.counts.split(",")]:
            results[count] = measure(count, arguments.rounds, Path(folder))
            print(f"N={count:,}: done", file=sys.stderr, flush=True)
    table(results)


if __name__ == "__main__":
    main()
