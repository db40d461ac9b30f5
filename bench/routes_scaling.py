"""Route-count scaling: an app of N routes `/section<i>/[id]` (each with a small async load),
generated in a temporary folder. For N in 10 … 5,000: start-up time (create_app), and the
in-process cost of matching and answering the route ranked first and the one ranked last.

    .venv/bin/python bench/routes_scaling.py [--counts 10,100,1000,5000] [--requests 2000]

No server: the figure is the app's own cost per request (see harness/inprocess.py), so the
noise of a shared machine disturbs it less; rounds of first and last alternate, median kept.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from kite.server.app import create_app

LOAD = "async def load(event):\n    return {'id': event.params['id']}\n"
PAGE = "<p>{{ data.id }}</p>\n"
SHELL = "<!doctype html><html><head>%kite.head%</head><body>%kite.body%</body></html>\n"


def make_app(root: Path, count: int) -> Path:
    (root / "src" / "routes").mkdir(parents=True)
    (root / "src" / "app.html").write_text(SHELL)
    for index in range(count):
        folder = root / "src" / "routes" / f"section{index}" / "[id]"
        folder.mkdir(parents=True)
        (folder / "+page.server.py").write_text(LOAD)
        (folder / "+page.html").write_text(PAGE)
    return root


async def _get(app: Any, path: str) -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"text/html")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    return status


async def _round(app: Any, path: str, requests: int) -> float:
    if await _get(app, path) != 200:
        raise SystemExit(f"{path}: not 200")
    start = time.process_time()
    for _ in range(requests):
        await _get(app, path)
    return (time.process_time() - start) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="10,100,1000,5000")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    print("| routes | start-up s | first route µs | last route µs | last ÷ first |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for count in [int(c) for c in arguments.counts.split(",")]:
        with tempfile.TemporaryDirectory() as folder:
            root = make_app(Path(folder), count)
            start = time.perf_counter()
            app = create_app(root)
            startup = time.perf_counter() - start
            ranked = [route.id for route in app.manifest.routes]
            first = ranked[0].replace("[id]", "1")
            last = ranked[-1].replace("[id]", "1")
            cells: dict[str, list[float]] = {first: [], last: []}
            for _ in range(arguments.rounds):
                for path in cells:
                    cells[path].append(asyncio.run(_round(app, path, arguments.requests)))
            a, b = statistics.median(cells[first]), statistics.median(cells[last])
            print(f"| {count:,} | {startup:.2f} | {a:.0f} | {b:.0f} | {b / a:.2f} |", flush=True)


if __name__ == "__main__":
    main()
