"""One CPU for a serving process's threads (kite.server.affinity): the event loop's thread and
the worker threads share the CPU the loop runs on, and are let go when the loop waits for it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.server import affinity
from kite.server.affinity import CpuHome
from kite.server.calling import WorkerThreads

needs_cpus = pytest.mark.skipif(
    not affinity.supported(), reason="needs Linux's sched_setaffinity and two CPUs or more"
)


@pytest.fixture
def own_cpus() -> Iterator[frozenset[int]]:
    """The test runs CpuHome on its own thread: its CPUs are given back afterwards."""
    allowed = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    yield allowed or frozenset()
    if allowed:
        os.sched_setaffinity(0, allowed)


@needs_cpus
def test_the_loop_and_its_worker_threads_share_one_cpu(own_cpus: frozenset[int]) -> None:
    threads = WorkerThreads(2)

    async def main() -> tuple[int | None, set[int], set[int]]:
        home = CpuHome(threads, interval=0.1)
        home.start()
        try:
            await asyncio.sleep(0.3)
            assert home.home is None, "kept on a CPU before any plain function ran"
            assert set(os.sched_getaffinity(0)) == set(own_cpus)
            await threads.run(int)  # the first plain function
            await asyncio.sleep(0.3)
            worker = await threads.run(os.sched_getaffinity, 0)
            return home.home, set(os.sched_getaffinity(0)), set(worker)
        finally:
            home.stop()

    cpu, loop_cpus, worker_cpus = asyncio.run(main())
    assert cpu is not None and cpu in own_cpus
    assert loop_cpus == {cpu}
    assert worker_cpus == {cpu}


def _busy(seconds: float) -> None:
    """The loop wants its CPU: busy in Python for `seconds`."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        pass


@needs_cpus
def test_the_threads_are_let_go_off_a_cpu_another_process_wants(
    own_cpus: frozenset[int], caplog: pytest.LogCaptureFixture
) -> None:
    threads = WorkerThreads(1)

    async def main() -> tuple[int, int | None, set[int]]:
        home = CpuHome(threads, interval=0.3)
        home.start()
        await threads.run(int)  # a worker thread: from the next look, kept with the loop
        await asyncio.sleep(0.5)
        assert home.home is not None
        taken = home.home
        # A process that wants the loop's CPU all the time, as a busy neighbour would.
        spinner = subprocess.Popen(
            ["taskset", "-c", str(taken), sys.executable, "-c", "while True: pass"]
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and home.home in (taken, None):
                _busy(0.005)
                await asyncio.sleep(0)
            worker = await threads.run(os.sched_getaffinity, 0)
            return taken, home.home, set(worker)
        finally:
            spinner.kill()
            spinner.wait()
            home.stop()

    with caplog.at_level(logging.DEBUG, logger="kite"):
        taken, moved_to, worker = asyncio.run(main())
    assert moved_to is not None and moved_to != taken, "the loop stayed on the busy CPU"
    assert worker == {moved_to}
    assert "are let go for the kernel to place" in caplog.text


@needs_cpus
def test_worker_threads_computing_outside_the_gil_stay_beside_the_loop(
    own_cpus: frozenset[int],
) -> None:
    """The loop waits for its CPU then too, but on its own threads: letting them go would
    only make every hand-off dear again."""
    threads = WorkerThreads(1)
    seen: list[set[int]] = []

    def compute() -> None:
        # Hashing releases the GIL: this thread and the busy loop both want the CPU.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 50_000)
            seen.append(set(os.sched_getaffinity(0)))

    async def main() -> int | None:
        home = CpuHome(threads, interval=0.3)
        home.start()
        await threads.run(int)  # a worker thread: from the next look, kept with the loop
        await asyncio.sleep(0.5)
        try:
            computing = threads.submit(compute)
            while not computing.done():
                _busy(0.005)
                await asyncio.sleep(0)
            return home.home
        finally:
            home.stop()

    kept = asyncio.run(main())
    assert kept is not None
    assert all(cpus == {kept} for cpus in seen), seen


def _cpus_of_threads(pid: int) -> dict[int, str]:
    """The CPUs each thread of `pid` may run on, by thread id, from /proc."""
    found: dict[int, str] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = (task / "status").read_text().splitlines()
        allowed = next(line for line in status if line.startswith("Cpus_allowed_list"))
        found[int(task.name)] = allowed.split()[1]
    return found


@needs_cpus
def test_kite_start_keeps_the_loop_and_the_workers_on_one_cpu(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "ahead")
    pid = server.process.pid
    assert "-" in _cpus_of_threads(pid)[pid], "kept on a CPU before any plain function ran"
    # A plain handle and plain loads: a worker thread exists and has taken a job; the
    # threads are kept together from the next look (once a second).
    assert server.client.get("/form").status_code == 200
    deadline = time.monotonic() + 10
    while not _cpus_of_threads(pid)[pid].isdigit():
        assert time.monotonic() < deadline, "the loop's thread was never kept on one CPU"
        time.sleep(0.1)
    threads = _cpus_of_threads(pid)
    loop_cpu = threads.pop(pid)  # the main thread runs the event loop
    assert loop_cpu in threads.values(), f"no worker thread on CPU {loop_cpu}: {threads}"


@needs_cpus
def test_cpu_affinity_off_leaves_the_threads_to_the_kernel(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "ahead", env={"KITE_CPU_AFFINITY": "off"})
    assert server.client.get("/form").status_code == 200
    threads = _cpus_of_threads(server.process.pid)
    own = sorted(os.sched_getaffinity(0))
    assert len(threads) > 1
    assert set(threads.values()) == {f"{own[0]}-{own[-1]}"}


def test_cpu_affinity_is_a_setting(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}).cpu_affinity == "loop"
    (tmp_path / "kite.toml").write_text('cpu_affinity = "off"\n')
    assert load_settings(tmp_path, environ={}).cpu_affinity == "off"
    assert load_settings(tmp_path, environ={"KITE_CPU_AFFINITY": "loop"}).cpu_affinity == "loop"
    (tmp_path / "kite.toml").write_text('cpu_affinity = "any"\n')
    with pytest.raises(KiteError, match=r"cpu_affinity.*\"loop\".*\"off\", not 'any'"):
        load_settings(tmp_path, environ={})
