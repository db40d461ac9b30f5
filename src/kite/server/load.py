"""Running the load functions of a page: root layout first, page last, concurrently unless a
load awaits `event.parent()`."""

from __future__ import annotations

import asyncio
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


async def run_loads(nodes: Sequence[ServerModule | None], event: RequestEvent) -> LoadResult:
    """Run every node's `load`. A node without one contributes no data."""
    loads = [(node, node.load) if node and node.load else None for node in nodes]
    count = sum(entry is not None for entry in loads)
    if count == 0:
        return LoadResult([{} for _ in nodes])
    if count == 1:
        return await _run_single(loads, event)
    tasks: list[asyncio.Task[dict[str, Any]] | None] = []
    for index, entry in enumerate(loads):
        if entry is None:
            tasks.append(None)
            continue
        node, load = entry
        child = event.child(_parent_of(tasks, index))
        tasks.append(asyncio.ensure_future(_call_load(node, load, child)))
    await asyncio.gather(*(t for t in tasks if t is not None), return_exceptions=True)
    result = LoadResult()
    for index, task in enumerate(tasks):
        if task is None:
            result.data.append({})
        elif task.exception() is not None:
            result.data.append({})
            if result.failed_at is None:
                result.failed_at, result.error = index, task.exception()
        else:
            result.data.append(task.result())
    return result


async def _run_single(loads: list[Any], event: RequestEvent) -> LoadResult:
    result = LoadResult([{} for _ in loads])
    for index, entry in enumerate(loads):
        if entry is None:
            continue
        node, load = entry
        child = event.child(_empty_parent)
        try:
            result.data[index] = await _call_load(node, load, child)
        except Exception as exc:
            result.failed_at, result.error = index, exc
    return result


async def _empty_parent() -> dict[str, Any]:
    return {}


def _parent_of(tasks: list[asyncio.Task[dict[str, Any]] | None], index: int) -> Any:
    async def parent() -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for task in tasks[:index]:
            if task is not None:
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
