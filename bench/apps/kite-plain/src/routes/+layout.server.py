from __future__ import annotations

from typing import Any

from kite import RequestEvent


# Plain def, as the docs write it: Kite runs it in a worker thread.
def load(event: RequestEvent) -> dict[str, Any]:
    user = event.locals.user
    return {"user": None if user is None else user.public()}
