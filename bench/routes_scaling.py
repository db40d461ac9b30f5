"""Route-count scaling: an app of N routes `/section<i>/[id]` (each with a small async load),
generated in a temporary folder. For N in 10 … 5,000:

- start-up: `start_app` (the app made as `kite start` makes it) in a fresh process, CPU (its
  own and its children's: the template compiler it may fork, server/compile_ahead.py) and
  wall seconds, cold (the first start of
  a new folder: nothing compiled in .kite/cache, no .pyc files) and warm
  (a second start of the same folder), with the CPU time of the first request (to the route
  ranked last) after it;
- `kite start` until it answers its first request, wall seconds and the server's CPU, cold
  and warm, on a second folder;
- the in-process cost of matching and answering the route ranked first and the one ranked
  last.

    .venv/bin/python bench/routes_scaling.py [--counts 10,100,1000,5000] [--requests 2000]

The started processes run without PYTHONDONTWRITEBYTECODE, as a deployment does, so that
the route modules' code is kept as it would be there (by Kite, in .kite/cache/modules; see
server/module_cache.py); `--dont-write-bytecode` sets it (many container images do), and
then nothing is written, each module compiled at every start. No load generator: the request
figures are the app's own cost (see harness/inprocess.py), so the noise of a shared machine
disturbs them less; rounds of first and last alternate, median kept.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from kite.server.app import create_app, start_app

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


def _measure_start_up(root: Path) -> None:
    """(In a fresh process) the CPU and wall time of creating the app as `kite start`
    does (`start_app`: create_app, then frozen), then the first request's CPU."""
    # os.times: this process and the children it waited for (compile_ahead.py's child).
    cpu, wall = _cpu(), time.perf_counter()
    app = start_app(root)
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    last = app.manifest.routes[-1].id.replace("[id]", "1")
    first_request = time.process_time()
    if asyncio.run(_get(app, last)) != 200:
        raise SystemExit(f"{last}: not 200")
    first_request = time.process_time() - first_request
    print(json.dumps({"cpu": cpu, "wall": wall, "first_request": first_request}))


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


# --dont-write-bytecode: the started processes keep PYTHONDONTWRITEBYTECODE=1 (as many
# container images set it): no .pyc files, each module compiled at every start.
_WRITE_BYTECODE = "--dont-write-bytecode" not in sys.argv


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if _WRITE_BYTECODE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start_up(root: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure-start-up", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=_child_env())
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def kite_start(root: Path) -> tuple[float, float]:
    """`kite start` until its first answer: wall seconds, and the server's CPU seconds."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/section0/1"
    begun = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "kite", "start", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_child_env(),
    )
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"kite start {root} exited with {server.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.01)
        wall = time.perf_counter() - begun
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime and stime, then those of the children it waited for (compile_ahead.py).
        cpu = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        return wall, cpu
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="10,100,1000,5000")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure-start-up", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dont-write-bytecode", action="store_true", help="no .pyc files")
    arguments = parser.parse_args()
    if arguments.measure_start_up is not None:
        _measure_start_up(arguments.measure_start_up)
        return
    counts = [int(c) for c in arguments.counts.split(",")]
    print(
        "| routes | create_app cold CPU s (wall) | warm CPU s (wall) | first request ms, cold"
        " / warm | kite start cold, wall s (CPU) | warm, wall s (CPU) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    requests: list[str] = []
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            root = make_app(Path(folder) / "a", count)
            cold, warm = start_up(root), start_up(root)
            served = make_app(Path(folder) / "b", count)
            start_cold, start_warm = kite_start(served), kite_start(served)
            print(
                f"| {count:,} | {cold['cpu']:.2f} ({cold['wall']:.2f}) "
                f"| {warm['cpu']:.2f} ({warm['wall']:.2f}) "
                f"| {cold['first_request'] * 1e3:.1f} / {warm['first_request'] * 1e3:.1f} "
                f"| {start_cold[0]:.2f} ({start_cold[1]:.2f}) "
                f"| {start_warm[0]:.2f} ({start_warm[1]:.2f}) |",
                flush=True,
            )
            requests.append(_requests_row(root, count, arguments))
    print()
    print("| routes | first route µs | last route µs | last ÷ first |")
    print("| ---: | ---: | ---: | ---: |")
    for row in requests:
        print(row)


def _requests_row(root: Path, count: int, arguments: argparse.Namespace) -> str:
    app = create_app(root)
    ranked = [route.id for route in app.manifest.routes]
    first = ranked[0].replace("[id]", "1")
    last = ranked[-1].replace("[id]", "1")
    cells: dict[str, list[float]] = {first: [], last: []}
    for _ in range(arguments.rounds):
        for path in cells:
            cells[path].append(asyncio.run(_round(app, path, arguments.requests)))
    a, b = statistics.median(cells[first]), statistics.median(cells[last])
    return f"| {count:,} | {a:.0f} | {b:.0f} | {b / a:.2f} |"


if __name__ == "__main__":
    main()
