from typing import Any

from kite import RequestEvent

post_redirect_get = False


def save(event: RequestEvent) -> dict[str, Any]:
    return {"saved": True}


actions = {"save": save}
