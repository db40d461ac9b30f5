"""For bench/latency.py only: a form with a custom `enhance` callback (`add`) and an action
that redirects (`leave`). The count lives in a cookie, so any worker can answer."""

from __future__ import annotations

from typing import Any

from kite import RequestEvent, redirect

COOKIE = "count"


def _count(event: RequestEvent) -> int:
    value = event.cookies.get(COOKIE) or "0"
    return int(value) if value.isdigit() and len(value) < 10 else 0


async def load(event: RequestEvent) -> dict[str, Any]:
    return {"count": _count(event)}


async def add(event: RequestEvent) -> dict[str, Any]:
    count = _count(event) + 1
    event.cookies.set(COOKIE, str(count))
    return {"added": count}


async def leave(event: RequestEvent) -> None:
    redirect(303, "/todos")


actions = {"add": add, "leave": leave}
