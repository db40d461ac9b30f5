"""A `health` hook that fails while the file named by HEALTH_FAIL_FILE exists, and a
`handle` hook that marks every response it sees (the health check must not run it)."""

import os
from pathlib import Path


def health() -> None:
    flag = os.environ.get("HEALTH_FAIL_FILE")
    if flag and Path(flag).exists():
        raise ConnectionError("the database is unreachable (HEALTH_FAIL_FILE exists)")


async def handle(event, resolve):
    response = await resolve(event)
    response.headers["x-handled"] = "yes"
    event.cookies.set("visited", "1")
    return response
