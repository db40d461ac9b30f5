"""Plain `def` functions run in Kite's worker threads (kite.server.calling): a blocking one
never stalls other requests, context variables reach them, errors and cancellations come
back to the awaiting request."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.server.calling import WorkerThreads, call_user, in_worker_thread, run_on_loop

flavour: contextvars.ContextVar[str] = contextvars.ContextVar("flavour", default="none")


def _held(server: Server, pool: ThreadPoolExecutor, path: str) -> Future[httpx.Response]:
    """Send `path`, which blocks a thread at the gate, and return once it waits there. Were
    the blocked function on the event loop, /waiting would not answer until it gave up."""
    held = pool.submit(server.client.get, path, timeout=30)
    deadline = time.monotonic() + 30
    while not server.client.get("/waiting", timeout=30).json()["waiting"]:
        assert not held.done(), held.result().text
        assert time.monotonic() < deadline, f"{path} never reached the gate"
        time.sleep(0.01)
    return held


def test_a_blocked_plain_load_does_not_stall_a_concurrent_request(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "plain_threads")
    with ThreadPoolExecutor(1) as pool:
        held = _held(server, pool, "/held")
        # /held's load now blocks its worker thread until /release's load opens the gate:
        # this request is served meanwhile, by another thread, or /held reports False.
        released = server.client.get("/release", timeout=30)
        assert released.status_code == 200
        assert "event: /release" in released.text
        answer = held.result()
    assert answer.status_code == 200
    assert "released: True" in answer.text
    assert "event: /held" in answer.text


def test_a_blocked_plain_load_does_not_stall_a_plain_action(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "plain_threads")
    with ThreadPoolExecutor(1) as pool:
        held = _held(server, pool, "/held")
        opened = server.client.post(
            "/release",
            data={"go": "1"},
            headers={"origin": server.url, "accept": "text/html"},
            timeout=30,
        )
        assert "opened by /release" in opened.text
        assert "released: True" in held.result().text


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        # A plain `handle` blocked (a session looked up with a blocking driver) ...
        ("/held-by-handle", 200, "released: True"),
        # ... and a plain `handle_error` blocked while reporting a failed load.
        ("/broken-held", 500, "reported; released: True"),
    ],
)
def test_a_blocked_plain_hook_does_not_stall_a_concurrent_request(
    serve_app: ServeApp, path: str, status: int, expected: str
) -> None:
    server = serve_app(APPS / "plain_threads")
    with ThreadPoolExecutor(1) as pool:
        held = _held(server, pool, path)
        # The hook waits in its worker thread until /release's load opens the gate: run on
        # the event loop, it would hold this request back, and report False after 20 s.
        released = server.client.get("/release", timeout=30)
        assert released.status_code == 200
        answer = held.result()
    assert answer.status_code == status
    assert expected in answer.text


def test_what_a_plain_handle_sets_in_context_variables_lasts_the_request(
    serve_app: ServeApp,
) -> None:
    # As it did when a plain `handle` ran on the event loop, and as an async one does.
    server = serve_app(APPS / "plain_threads")
    assert "tagged by handle for /tagged" in server.client.get("/tagged").text


def test_context_variables_reach_the_thread_and_stay_there() -> None:
    threads = WorkerThreads(2)

    def read_and_set() -> str:
        seen = flavour.get()
        flavour.set("changed in the thread")
        return seen

    async def main() -> tuple[str, str]:
        flavour.set("vanilla")
        seen = await threads.run(read_and_set)
        return seen, flavour.get()

    assert asyncio.run(main()) == ("vanilla", "vanilla")


def test_an_error_in_the_thread_is_raised_to_the_caller() -> None:
    def broken() -> None:
        raise LookupError("no such row")

    async def main() -> None:
        await call_user(broken, in_thread=True)

    with pytest.raises(LookupError, match="no such row"):
        asyncio.run(main())


def test_submit_gives_a_future_with_the_outcome() -> None:
    threads = WorkerThreads(1)

    async def main() -> tuple[int, BaseException | None]:
        good = threads.submit(lambda: 6 * 7)
        bad = threads.submit(lambda: 1 // 0)
        await asyncio.wait([good, bad])
        return good.result(), bad.exception()

    value, error = asyncio.run(main())
    assert value == 42
    assert isinstance(error, ZeroDivisionError)


def test_a_cancelled_caller_waits_for_its_function_to_finish() -> None:
    threads = WorkerThreads(1)
    started, release = threading.Event(), threading.Event()
    finished: list[bool] = []

    def slow() -> None:
        started.set()
        release.wait(10)
        finished.append(True)

    async def main() -> None:
        task = asyncio.create_task(threads.run(slow))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        task.cancel()
        await asyncio.sleep(0)
        assert not task.done()  # still waiting for the thread, which cannot be stopped
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert finished == [True]

    asyncio.run(main())


def test_a_thread_is_added_only_when_the_jobs_stop_moving() -> None:
    threads = WorkerThreads(4, grace=0.01)

    async def main() -> int:
        for _ in range(20):
            await asyncio.gather(*(threads.run(sum, [1, 2]) for _ in range(32)))
        return threads.threads

    # Quick functions never hold every thread for the grace period: one or two suffice.
    assert asyncio.run(main()) < 4


def test_threads_grow_to_the_limit_and_no_further() -> None:
    threads = WorkerThreads(2, grace=0.01)
    gate = threading.Event()

    async def main() -> list[bool]:
        waits = [threads.submit(gate.wait, 10) for _ in range(2)]
        last = threads.submit(gate.set)  # runs only once a third thread could start
        await asyncio.sleep(0.2)
        assert threads.threads == 2
        assert not last.done()
        gate.set()
        await last
        return [await w for w in waits]

    assert asyncio.run(main()) == [True, True]


def test_a_job_queued_from_a_worker_thread_gets_a_thread_if_that_one_blocks() -> None:
    """What a plain `handle` queues (its page's loads, kite.server.ahead) comes back to the
    loop it came from, and is watched as the loop's own jobs are: here the queuing thread
    then blocks until the queued job has run, which only a second thread can do."""
    threads = WorkerThreads(2, grace=0.01)
    ran = threading.Event()

    async def main() -> tuple[bool, int]:
        def first() -> asyncio.Future[None]:
            # Past the loop's own watch, which ends once its queue is empty.
            time.sleep(5 * threads.grace)
            second: asyncio.Future[None] = threads.submit(ran.set)
            assert ran.wait(10), "the job queued from this thread never ran"
            return second

        second = await threads.run(first)
        await asyncio.wait_for(second, 10)
        return second.done(), threads.threads

    assert asyncio.run(main()) == (True, 2)


def test_run_on_loop_is_for_worker_threads_only() -> None:
    async def answer() -> int:
        return 42

    assert not in_worker_thread()
    with pytest.raises(RuntimeError, match="worker thread"):
        run_on_loop(answer())

    async def main() -> int:
        return int(await WorkerThreads(1).run(lambda: run_on_loop(answer())))

    assert asyncio.run(main()) == 42


def test_max_threads_is_a_setting(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}).max_threads == 40
    (tmp_path / "kite.toml").write_text("max_threads = 8\n")
    assert load_settings(tmp_path, environ={}).max_threads == 8
    assert load_settings(tmp_path, environ={"KITE_MAX_THREADS": "3"}).max_threads == 3
    (tmp_path / "kite.toml").write_text("max_threads = 0\n")
    with pytest.raises(KiteError, match="max_threads"):
        load_settings(tmp_path, environ={})


def test_kite_start_freezes_what_start_up_made(serve_app: ServeApp) -> None:
    # Out of the collector's sight, a full collection does not walk the app's modules and
    # templates while requests wait (docs/architecture.md, "Calm tails").
    server = serve_app(APPS / "plain_threads")
    assert server.client.get("/gc").json()["frozen"] > 10_000


def test_kite_dev_does_not_freeze(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "plain_threads", dev=True)
    assert server.client.get("/gc").json()["frozen"] == 0


def test_a_loop_that_closes_while_jobs_wait_leaves_the_next_loop_watched() -> None:
    threads = WorkerThreads(3, grace=0.01)
    gate = threading.Event()

    async def first() -> None:
        threads.submit(gate.wait, 10)  # holds the only thread
        threads.submit(lambda: None)  # waits; the loop closes before anyone watches

    async def opened() -> None:
        # Runs only if a thread is added for it while the first loop's job still blocks.
        await asyncio.wait_for(threads.run(gate.set), 5)

    asyncio.run(first())
    asyncio.run(opened())
    assert gate.is_set()


def test_jobs_that_finish_while_the_loop_is_busy_all_come_back_in_one_go() -> None:
    threads = WorkerThreads(1)
    woken: list[int] = []

    async def main() -> list[int]:
        loop = asyncio.get_running_loop()
        real = loop.call_soon_threadsafe

        def counted(*args: object, **kwargs: object) -> asyncio.Handle:
            woken.append(1)
            return real(*args, **kwargs)  # type: ignore[arg-type]

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        futures = [threads.submit(lambda i=i: i * i) for i in range(200)]
        done = threading.Event()
        threads.submit(done.set)
        # The loop is busy (blocked here) while the thread finishes every job.
        assert done.wait(10)
        return list(await asyncio.gather(*futures))

    assert asyncio.run(main()) == [i * i for i in range(200)]
    # Finished jobs wait in the loop's mailbox for one wake-up, not one each (two when the
    # last job, done.set, is posted just after the loop has woken up and emptied it).
    assert len(woken) <= 2


def test_a_cancelled_plain_call_waits_for_its_function_to_finish() -> None:
    started, release = threading.Event(), threading.Event()
    finished: list[bool] = []

    def slow() -> None:
        started.set()
        release.wait(10)
        finished.append(True)

    async def main() -> None:
        task = asyncio.create_task(call_user(slow, in_thread=True))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        task.cancel()
        await asyncio.sleep(0)
        assert not task.done()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert finished == [True]

    asyncio.run(main())


def test_loops_in_several_threads_each_get_their_own_results() -> None:
    threads = WorkerThreads(2)

    async def main(offset: int) -> list[int]:
        return [await threads.run(lambda i=i: offset + i) for i in range(300)]

    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(lambda offset: asyncio.run(main(offset)), (0, 1000, 2000)))
    assert outcomes == [[offset + i for i in range(300)] for offset in (0, 1000, 2000)]
