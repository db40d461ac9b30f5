from __future__ import annotations

from typing import Any

from kite import RequestEvent


# async: the store is in memory, and a plain def would run in a worker thread.
async def load(event: RequestEvent) -> dict[str, Any]:
    user = event.locals.user
    return {"user": None if user is None else user.public()}
