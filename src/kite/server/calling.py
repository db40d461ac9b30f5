"""Calling the app's functions, which may be plain or async.

A plain `def` load, action or endpoint handler may block (a database query, a socket, a
sleep), and Python cannot pre-empt a function that blocks: run on the event loop, it would
stall every other request. So it runs in a worker thread of `WorkerThreads`, a hand-off
made for this one job rather than the generic `anyio.to_thread` (its capacity limiter,
cancel scopes and per-call thread bookkeeping cost ten times as much as the call itself on
a small load). See docs/architecture.md, "Plain functions", for the measurements.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import functools
import inspect
import os
import queue
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from kite.server.tracebacks import forget_traceback

__all__ = [
    "DEFAULT_MAX_THREADS",
    "WorkerThreads",
    "awaited_on_loop",
    "call_user",
    "in_worker_thread",
    "is_async",
    "run_on_loop",
    "set_max_threads",
    "worker_threads",
]

# As many as Starlette's (anyio's) thread pool has, which Kite used before.
DEFAULT_MAX_THREADS = 40


class _Mailbox:
    """Finished jobs on their way back to one event loop. A worker thread posts each job it
    finishes; the first post wakes the loop (`call_soon_threadsafe`), and every job posted
    before the loop gets to `deliver` rides on that one wake-up. Nothing is held back: a
    job is delivered as soon as the loop runs, whatever the worker does next."""

    __slots__ = ("done", "loop", "waking")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.done: collections.deque[_Job] = collections.deque()
        self.waking = False  # a deliver is scheduled and has not started yet

    def post(self, job: _Job) -> None:
        """In a worker thread."""
        self.done.append(job)
        if self.waking:
            return
        self.waking = True
        # RuntimeError: the loop has closed meanwhile, and nobody awaits the job.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.deliver)

    def deliver(self) -> None:
        """On the loop. `waking` is cleared first, so that a job posted while these are
        settled either is settled here too or schedules the next deliver: none is missed."""
        self.waking = False
        done = self.done
        while done:
            _settle(done.popleft())


class _Job:
    __slots__ = (
        "args",
        "context",
        "error",
        "finished",
        "function",
        "future",
        "loop",
        "mailbox",
        "value",
    )

    def __init__(
        self, mailbox: _Mailbox, function: Callable[..., Any], args: tuple[Any, ...]
    ) -> None:
        loop = mailbox.loop
        self.loop = loop
        self.mailbox = mailbox
        # Made in a worker thread too (WorkerThreads.submit): a future only holds its loop
        # until it is settled, which happens on the loop (_Mailbox.deliver).
        self.future: asyncio.Future[Any] = loop.create_future()
        # Like asyncio.to_thread: the function sees the caller's context variables
        # (get_request_event()), and what it sets there stays in the thread.
        self.context = contextvars.copy_context()
        self.function = function
        self.args = args
        self.finished = False
        self.value: Any = None
        self.error: BaseException | None = None


_worker = threading.local()


class WorkerThreads:
    """Threads that run plain functions for the event loop, at most `max_threads` at once.

    Few threads serve best: one awake thread takes the jobs queued meanwhile in one go,
    where many threads would each be woken for one job and take turns at the GIL. So a
    thread is added only when the jobs stop moving: if jobs wait and none has been taken
    for `grace` seconds (twice the interpreter's switch interval, 10 ms), every thread is
    busy with a function that blocks, and one more starts, and so on up to `max_threads`.
    A thread idle for `idle_timeout` seconds ends (the last one stays).
    """

    def __init__(
        self,
        max_threads: int = DEFAULT_MAX_THREADS,
        *,
        grace: float | None = None,
        idle_timeout: float = 10.0,
    ) -> None:
        if max_threads < 1:
            raise ValueError(f"max_threads must be at least 1, not {max_threads}")
        self.max_threads = max_threads
        self.grace = 2 * sys.getswitchinterval() if grace is None else grace
        self.idle_timeout = idle_timeout
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._taken = 0  # jobs taken by a thread so far: progress, for _watch
        # The loop whose _watch is scheduled. Per loop, not a flag: a loop that closes with
        # its watch pending (a test client's) must not leave the next loop unwatched.
        self._watched: asyncio.AbstractEventLoop | None = None
        # The mailbox of the loop that submitted last: a server has one loop, so one
        # mailbox; a job keeps its own, so that loops taking turns (tests) stay apart.
        self._mailbox: _Mailbox | None = None
        # The CPUs the threads are kept on (kite.server.affinity); None: never set. The
        # threads' ids, to move them there.
        self._cpus: frozenset[int] | None = None
        self._native_ids: set[int] = set()

    @property
    def threads(self) -> int:
        """How many threads are running."""
        return self._threads

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """Start `function(*args)` in a worker thread; the future gets its result or its
        exception. No task and no coroutine stand between: a page's plain loads are
        gathered as these futures (see load.py). Cancelling the future cannot stop the
        function; its outcome is then dropped.

        Called in a worker thread itself (a plain `handle` starting its page's loads, see
        kite.server.ahead), the job is queued for the loop of the job running there, and
        this thread takes it next unless another is idle: no trip through the loop between
        the two."""
        return self._start(function, args).future

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in a worker thread; its result or its exception here. If the
        awaiting task is cancelled meanwhile, the cancellation is passed on once the
        function has finished, as anyio's hand-off does: the request's state (its cookies,
        its locals) is never left to a function still running."""
        job = self._start(function, args)
        try:
            return await job.future
        except asyncio.CancelledError:
            await _finished(job)
            raise

    def _start(self, function: Callable[..., Any], args: tuple[Any, ...]) -> _Job:
        mailbox: _Mailbox | None = getattr(_worker, "mailbox", None)
        if mailbox is not None:  # in a worker thread: for the loop its own job came from
            job = _Job(mailbox, function, args)
            self._jobs.put(job)
            # The loop's timers are the loop thread's alone: it schedules the watch itself.
            if self._watched is not mailbox.loop:
                with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile
                    mailbox.loop.call_soon_threadsafe(self._watch_from, mailbox.loop)
            return job
        loop = asyncio.get_running_loop()
        mailbox = self._mailbox
        if mailbox is None or mailbox.loop is not loop:
            mailbox = self._mailbox = _Mailbox(loop)
        job = _Job(mailbox, function, args)
        self._jobs.put(job)
        if not self._threads:
            self._add_thread()
        self._watch_from(loop)
        return job

    def _watch_from(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop: watch the queue, unless a watch is scheduled already."""
        if self._watched is not loop:
            self._watched = loop
            loop.call_later(self.grace, self._watch, loop, self._taken)

    def _watch(self, loop: asyncio.AbstractEventLoop, taken: int) -> None:
        """Every `grace` seconds while jobs wait: add a thread if none was taken since."""
        if self._jobs.empty():
            if self._watched is loop:
                self._watched = None
            return
        if self._taken == taken and self._threads < self.max_threads:
            self._add_thread()
        loop.call_later(self.grace, self._watch, loop, self._taken)

    def keep_on(self, cpus: frozenset[int]) -> None:
        """Keep the threads on `cpus` (kite.server.affinity), and start new ones there."""
        self._cpus = cpus
        for native_id in list(self._native_ids):
            _move(native_id, cpus)

    def native_ids(self) -> list[int]:
        """The operating system's ids of the running threads."""
        return list(self._native_ids)

    def _add_thread(self) -> None:
        with self._lock:
            self._threads += 1
        threading.Thread(target=self._work, name="kite-worker", daemon=True).start()

    def _work(self) -> None:
        native_id = threading.get_native_id()
        self._native_ids.add(native_id)
        if self._cpus is not None:
            _move(0, self._cpus)
        get = self._jobs.get
        while True:
            try:
                job = get(timeout=self.idle_timeout)
            except queue.Empty:
                with self._lock:
                    if self._threads > 1:
                        self._threads -= 1
                        self._native_ids.discard(native_id)
                        return
                continue
            self._taken += 1  # only ever read as "has it changed", so no lock
            _worker.loop, _worker.mailbox = job.loop, job.mailbox
            try:
                job.value = job.context.run(job.function, *job.args)
            except BaseException as exc:  # handed to the awaiting request, re-raised there
                job.error = exc
            _worker.loop = _worker.mailbox = None
            job.mailbox.post(job)


def _move(native_id: int, cpus: frozenset[int]) -> None:
    """Keep the thread `native_id` (0: this one) on `cpus`, if it can be (Linux)."""
    # OSError: the thread has ended meanwhile, or a CPU was taken from the process.
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setaffinity(native_id, cpus)


async def _finished(job: _Job) -> None:
    """Wait, cancelled already, until `job`'s function has finished."""
    while not job.finished:
        job.future = job.loop.create_future()
        with contextlib.suppress(BaseException):
            await job.future


def _settle(job: _Job) -> None:
    job.finished = True
    if job.future.done():  # cancelled: nobody wants the outcome
        return
    if job.error is not None:
        error, job.error = job.error, None  # no cycle through the traceback
        forget_traceback(error)  # nor through the future's copy of it
        job.future.set_exception(error)
    else:
        job.future.set_result(job.value)


_threads = WorkerThreads()


def worker_threads() -> WorkerThreads:
    """The process's worker threads (one pool for every app, as with anyio's)."""
    return _threads


def set_max_threads(max_threads: int) -> None:
    """The `max_threads` setting: applied when an app is created (see docs/settings.md)."""
    if max_threads < 1:
        raise ValueError(f"max_threads must be at least 1, not {max_threads}")
    # Threads already started stay (idle ones cost nothing); no new ones past the limit.
    _threads.max_threads = max_threads


def in_worker_thread() -> bool:
    """Whether this thread is running a plain function for Kite."""
    return getattr(_worker, "loop", None) is not None


def run_on_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run `coroutine` on the event loop of the job this worker thread runs, and wait for
    its result: how `event.parent()` and `event.form(Model)` answer a plain function.
    Raises RuntimeError outside a worker thread."""
    loop: asyncio.AbstractEventLoop | None = getattr(_worker, "loop", None)
    if loop is None:
        coroutine.close()
        raise RuntimeError(
            "this needs `await` here: only a plain def load or action, which Kite runs in a "
            "worker thread, gets the result directly"
        )
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result()


def awaited_on_loop(value: Any) -> Any:
    """In a worker thread, what a plain function returned, awaited on the loop if it is
    awaitable (a plain `def` that returns a coroutine)."""
    if value is not None and type(value) is not dict and inspect.isawaitable(value):
        return run_on_loop(_awaited(value))
    return value


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


@functools.lru_cache(maxsize=1024)  # the app's loads, actions and hooks: a fixed set
def _is_async(function: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(function)


def is_async(function: Callable[..., Any]) -> bool:
    """Whether `function` is an `async def` (asked once per function)."""
    try:
        return _is_async(function)
    except TypeError:  # unhashable callable: ask every time
        return inspect.iscoroutinefunction(function)


async def call_user(
    function: Callable[..., Any], *args: Any, in_thread: bool = False, keep_context: bool = False
) -> Any:
    """Call `function`; await it if async. `in_thread` runs a plain function in a worker
    thread, so that a load or action doing blocking I/O does not stall other requests.
    `keep_context` (hooks) brings the context variables it set back to the caller, as a
    call on the loop would have left them: a `handle` that binds a request id or a user for
    the rest of the request (structlog's contextvars, say) works plain or async alike."""
    if is_async(function):
        return await function(*args)
    if in_thread:
        # WorkerThreads.run without its coroutine: this is every plain action's path.
        job = _threads._start(function, args)
        try:
            result = await job.future
        except asyncio.CancelledError:
            await _finished(job)
            raise
        if keep_context:
            _adopt(job.context)
    else:
        result = function(*args)
    # What loads and actions mostly return skips the Awaitable ABC's isinstance check.
    if result is not None and type(result) is not dict and inspect.isawaitable(result):
        result = await result
    return result


def _adopt(context: contextvars.Context) -> None:
    """Set here every variable that `context`, a copy of this one, changed."""
    for variable, value in context.items():
        if variable.get(_UNSET) is not value:
            variable.set(value)


_UNSET = object()
