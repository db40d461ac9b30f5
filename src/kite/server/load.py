"""Running the load functions of a page: root layout first, page last, concurrently unless a
load awaits `event.parent()`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kite.exceptions import KiteError
from kite.server.calling import call_user
from kite.server.event import RequestEvent
from kite.server.modules import ServerModule

__all__ = ["LoadResult", "run_loads"]


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


async def run_loads(
    nodes: Sequence[ServerModule | None],
    event: RequestEvent,
    known: Sequence[dict[str, Any]] = (),
) -> LoadResult:
    """Run every node's `load`. A node without one contributes no data; the first nodes'
    data may be `known` already (from a data token), and their loads do not run."""
    loads = [
        (node, node.load) if node and node.load and index >= len(known) else None
        for index, node in enumerate(nodes)
    ]
    result = LoadResult([dict(known[i]) if i < len(known) else {} for i in range(len(nodes))])
    tasks: list[asyncio.Future[dict[str, Any]] | None] = []
    for index, entry in enumerate(loads):
        if entry is None:
            tasks.append(None)
            continue
        node, load = entry
        child = event.child(_parent_of(result, tasks, index))
        tasks.append(asyncio.ensure_future(_call_load(node, load, child)))
    running = [task for task in tasks if task is not None]
    if len(running) == 1:
        # One load needs no gathering: await it directly (the common case). Its error, if
        # any, is read from the task below.
        with contextlib.suppress(Exception):
            await running[0]
    elif running:
        await asyncio.gather(*running, return_exceptions=True)
    for index, task in enumerate(tasks):
        if task is None:
            continue
        if task.exception() is not None:
            if result.failed_at is None or index < result.failed_at:
                result.failed_at, result.error = index, task.exception()
        else:
            result.data[index] = task.result()
    return result


def _parent_of(
    result: LoadResult, tasks: list[asyncio.Future[dict[str, Any]] | None], index: int
) -> Any:
    async def parent() -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for position in range(index):
            task = tasks[position]
            if task is None:
                merged.update(result.data[position])
            else:
                merged.update(await asyncio.shield(task))
        return merged

    return parent


async def _call_load(node: ServerModule, load: Any, event: RequestEvent) -> dict[str, Any]:
    data = await call_user(load, event, in_thread=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KiteError(
            f"load() in {node.path} returned {type(data).__name__}; it must return a dict "
            "(or None for no data), e.g. return {'user': user}"
        )
    return data
