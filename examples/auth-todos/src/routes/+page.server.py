from __future__ import annotations

from typing import Any

from kite import RequestEvent

from lib import todos
from lib.auth import User


def load(event: RequestEvent) -> dict[str, Any]:
    user: User | None = event.locals.user
    if user is None:
        return {}
    # A plain `def`: Kite runs it in a worker thread, so the blocking query is fine.
    open_count, total = todos.count_open(user.id)
    return {"open": open_count, "total": total}
