"""Calling the app's functions, which may be plain or async."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool


@functools.lru_cache(maxsize=1024)  # the app's loads, actions and hooks: a fixed set
def _is_async(function: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(function)


async def call_user(function: Callable[..., Any], *args: Any, in_thread: bool = False) -> Any:
    """Call `function`; await it if async. `in_thread` runs a plain function in a worker
    thread, so that a load or action doing blocking I/O does not stall other requests."""
    try:
        is_async = _is_async(function)
    except TypeError:  # unhashable callable: ask every time
        is_async = inspect.iscoroutinefunction(function)
    if is_async:
        return await function(*args)
    if in_thread:
        result = await run_in_threadpool(function, *args)
    else:
        result = function(*args)
    if inspect.isawaitable(result):
        result = await result
    return result
