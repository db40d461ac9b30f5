from __future__ import annotations

from typing import Any

from kite import RequestEvent

from lib.auth import User


def load(event: RequestEvent) -> dict[str, Any]:
    user: User | None = event.locals.user
    if user is None:
        return {"user": None}
    avatar = f"/avatar/{user.id}?v={user.avatar_version}" if user.avatar_version else None
    # Only what templates show: page data may travel to the browser (sealed, but still).
    return {"user": {"id": user.id, "email": user.email, "avatar": avatar}}
