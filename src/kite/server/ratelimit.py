"""Rate limits of form actions: count one submission against the action's `@limits(rate=...)`
and refuse it with 429 and Retry-After when it is over.

Submissions are counted per action (route and action name) and per key: the client's
address, or what the action's key function returns. The counters live in the store that
`[rate_limits] store` names (kite.server.ratestores).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kite.exceptions import RequestError
from kite.sansio.action_result import action_name
from kite.server.calling import call_user
from kite.server.event import RequestEvent
from kite.server.limits import ActionLimits
from kite.server.manifest import Route
from kite.server.ratestores import RateStore

__all__ = ["RateLimited", "RateLimiter"]

logger = logging.getLogger("kite")


class RateLimited(RequestError):
    """A submission over its action's rate limit: 429, with Retry-After in seconds."""

    def __init__(self, retry_after: int, detail: str) -> None:
        super().__init__(429, detail, headers={"retry-after": str(retry_after)})
        self.retry_after = retry_after

    def failure_data(self) -> dict[str, Any]:
        """The data of the failure result an enhanced submission gets: `form` on the page."""
        return {
            "rate_limited": True,
            "retry_after": self.retry_after,
            "message": f"Too many attempts. Please try again in {_wait(self.retry_after)}.",
        }


class RateLimiter:
    def __init__(self, store: RateStore) -> None:
        self.store = store

    async def check(self, event: RequestEvent, route: Route, declared: ActionLimits | None) -> None:
        """Count this submission; raise `RateLimited` if it is over the action's rate."""
        if declared is None or declared.rate is None:
            return
        name = action_name(event.url.query) or "default"
        key = await _key(event, declared, route, name)
        decision = await self.store.hit(f"{route.id}?/{name}|{key}", declared.rate, time.time())
        if decision.allowed:
            return
        detail = (
            f"action '{name}' of {route.id} allows {declared.rate.text} per key; "
            f"refused {key!r} for {decision.retry_after} s"
        )
        if decision.first_refusal:
            # Once per key and run of refusals, not once per refused request: a client
            # hammering a login must not flood the log.
            logger.warning("rate limit: %s", detail)
        event.response_headers["retry-after"] = str(decision.retry_after)
        raise RateLimited(decision.retry_after, f"Too many requests: {detail}")


async def _key(event: RequestEvent, declared: ActionLimits, route: Route, name: str) -> str:
    if declared.key is None:
        return event.client_address
    key = await call_user(declared.key, event, in_thread=True)
    if not isinstance(key, str):
        raise TypeError(
            f"the rate-limit key function of action '{name}' in {route.id} returned "
            f"{type(key).__name__}; it must return a string (e.g. the address and the email)"
        )
    return key


def _wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
