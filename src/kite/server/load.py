"""Running the load functions of a page: root layout first, page last, concurrently unless a
load awaits `event.parent()`."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import types
from collections.abc import Coroutine, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from kite.exceptions import KiteError
from kite.server.calling import awaited_on_loop, call_user, is_async, worker_threads
from kite.server.event import RequestEvent
from kite.server.modules import ServerModule
from kite.server.tracebacks import forget_traceback

__all__ = [
    "LoadResult",
    "Settled",
    "StartedLoads",
    "all_plain",
    "finish_loads",
    "run_loads",
    "start_eagerly",
    "start_loads",
]

Result = TypeVar("Result")


class Settled(Generic[Result]):
    """The outcome of a load that finished in its first step, read as a done future's.

    No future is made for it: making one asks for the running loop, which costs a system
    call (getpid) on every call in Python 3.11.
    """

    __slots__ = ("_error", "_value")

    def __init__(self, value: Result | None = None, error: BaseException | None = None) -> None:
        self._value = value
        self._error = error

    def done(self) -> bool:
        return True

    def exception(self) -> BaseException | None:
        return self._error

    def result(self) -> Result:
        if self._error is not None:
            raise self._error
        return cast(Result, self._value)

    def __await__(self) -> Generator[Any, None, Result]:
        # Awaiting it gives the outcome at once, as awaiting a done future does.
        return self.result()
        yield  # a generator, as __await__ must return an iterator


# A load started at once: still running (a Future) or already done (Settled).
Eventual = asyncio.Future[Result] | Settled[Result]


@dataclass
class LoadResult:
    """Each node's own data, and the first node (root first) whose load failed, if any."""

    data: list[dict[str, Any]] = field(default_factory=list)
    failed_at: int | None = None
    error: BaseException | None = None

    def merged(self, upto: int) -> dict[str, Any]:
        """Data of nodes 0..upto shallow-merged, the deeper node winning."""
        merged: dict[str, Any] = {}
        for data in self.data[: upto + 1]:
            merged.update(data)
        return merged


@dataclass
class StartedLoads:
    """A page's loads once started: each node's outcome-to-be (None: no load to run)."""

    result: LoadResult
    futures: list[Eventual[dict[str, Any]] | None]


async def run_loads(
    nodes: Sequence[ServerModule | None],
    event: RequestEvent,
    known: Sequence[dict[str, Any]] = (),
) -> LoadResult:
    """Run every node's `load`. A node without one contributes no data; the first nodes'
    data may be `known` already (from a data token), and their loads do not run."""
    return await finish_loads(start_loads(nodes, event, known))


def all_plain(nodes: Sequence[ServerModule | None]) -> bool:
    """Whether every load of these nodes is a plain `def` (a node without one counts as
    plain), so that a worker thread may start them all (kite.server.ahead)."""
    return not any(
        node is not None and node.load is not None and is_async(node.load) for node in nodes
    )


def start_loads(
    nodes: Sequence[ServerModule | None],
    event: RequestEvent,
    known: Sequence[dict[str, Any]] = (),
) -> StartedLoads:
    """Start every node's `load`: async ones up to their first wait, plain ones queued for a
    worker thread. On the loop; in a worker thread only when `all_plain(nodes)`."""
    result = LoadResult([dict(known[i]) if i < len(known) else {} for i in range(len(nodes))])
    futures: list[Eventual[dict[str, Any]] | None] = []
    for index, node in enumerate(nodes):
        if node is None or node.load is None or index < len(known):
            futures.append(None)
            continue
        child = event.child(_parent_of(result, futures, index))
        if is_async(node.load):
            futures.append(start_eagerly(_call_load(node, node.load, child)))
        else:
            # A plain load goes to a worker thread as it is: its future is gathered below
            # with no task around it (docs/architecture.md, "Plain functions").
            futures.append(worker_threads().submit(_plain_load, node, node.load, child))
    return StartedLoads(result, futures)


async def finish_loads(started: StartedLoads) -> LoadResult:
    """Wait for the loads `start_loads` started, and gather their data and first failure."""
    result, futures = started.result, started.futures
    pending = [f for f in futures if isinstance(f, asyncio.Future) and not f.done()]
    try:
        # Awaited in turn rather than gathered: once the first is done the others mostly
        # are too (plain loads finish in the order they were queued), and a gathering
        # future with a callback per load costs more than these awaits. Errors are read
        # from the futures below.
        for waiting in pending:
            with contextlib.suppress(Exception):
                await waiting
    except asyncio.CancelledError:
        for waiting in pending:
            waiting.cancel()
        raise
    for index, future in enumerate(futures):
        if future is None:
            continue
        error = future.exception()
        if error is not None:
            forget_traceback(error)  # awaited above: its traceback holds this frame
            if result.failed_at is None or index < result.failed_at:
                result.failed_at, result.error = index, error
        else:
            result.data[index] = future.result()
    return result


def start_eagerly(coroutine: Coroutine[Any, Any, Result]) -> Eventual[Result]:
    """Run `coroutine` until it first waits, as a task would, but now and without a task:
    most loads return without ever waiting (data in memory, a cache hit), and a task per
    load costs more than such a load. One that does wait goes on in a task, concurrently
    with the others, from where it stopped. Like a task's, its steps run in a copy of the
    current context."""
    context = contextvars.copy_context()
    try:
        awaiting = context.run(coroutine.send, None)
    except StopIteration as stop:
        return Settled(stop.value)
    except Exception as exc:
        return Settled(error=exc)
    return asyncio.get_running_loop().create_task(_resume(coroutine, awaiting), context=context)


@types.coroutine
def _resume(coroutine: Coroutine[Any, Any, Result], awaiting: Any) -> Generator[Any, Any, Result]:
    """Hand what the coroutine's first step waits for (a future) to the task driving this
    generator, and pass every later step (a result or a cancellation) back into it."""
    while True:
        try:
            try:
                sent = yield awaiting
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as exc:  # a cancellation: the coroutine decides
                awaiting = coroutine.throw(exc)
            else:
                awaiting = coroutine.send(sent)
        except StopIteration as stop:
            return cast(Result, stop.value)


def _parent_of(
    result: LoadResult, futures: list[Eventual[dict[str, Any]] | None], index: int
) -> Any:
    async def parent() -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for position in range(index):
            future = futures[position]
            if future is None:
                merged.update(result.data[position])
            elif isinstance(future, Settled):
                merged.update(future.result())
            else:
                merged.update(await asyncio.shield(future))
        return merged

    return parent


async def _call_load(node: ServerModule, load: Any, event: RequestEvent) -> dict[str, Any]:
    return _checked(node, await call_user(load, event))


def _plain_load(node: ServerModule, load: Any, event: RequestEvent) -> dict[str, Any]:
    """Runs in a worker thread."""
    return _checked(node, awaited_on_loop(load(event)))


def _checked(node: ServerModule, data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KiteError(
            f"load() in {node.path} returned {type(data).__name__}; it must return a dict "
            "(or None for no data), e.g. return {'user': user}"
        )
    return data
