"""Limits declared beside an action: its own body size limit and its rate limit.

```python
from kite import limits

@limits(body="10M")                         # this action accepts bodies up to 10 MiB
async def upload_avatar(event): ...

@limits(rate="5/minute", key=address_and_email)
async def login(event): ...

actions = {"upload_avatar": upload_avatar, "login": login}
```

A page module can also set `body_size_limit = "2M"` for all its actions. The action's own
limit wins over the page's, and the page's over the app's (`body_size_limit` in kite.toml).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kite.sansio.limits import parse_size
from kite.sansio.ratelimit import Rate, parse_rate

if TYPE_CHECKING:
    from kite.server.event import RequestEvent

__all__ = ["ActionLimits", "BodySize", "body_limit_for", "declared_limits", "limits"]

Action = TypeVar("Action", bound=Callable[..., Any])
KeyFunction = Callable[["RequestEvent"], "str | Awaitable[str]"]

_ATTRIBUTE = "__kite_limits__"


@dataclass(frozen=True)
class BodySize:
    """A declared body size limit; `bytes` is None for "Infinity" (no limit)."""

    bytes: int | None


@dataclass(frozen=True)
class ActionLimits:
    """What `@limits(...)` declared for one action."""

    body: BodySize | None = None
    rate: Rate | None = None
    key: KeyFunction | None = None


def limits(
    *,
    body: str | int | None = None,
    rate: str | None = None,
    key: KeyFunction | None = None,
) -> Callable[[Action], Action]:
    """Declare an action's own limits.

    `body`: its body size limit, as the `body_size_limit` setting ("10M", a number of
    bytes, or "Infinity"). `rate`: at most so many submissions in a period ("5/minute",
    "100/hour", "3/10 minutes"), counted per client address, or per what `key(event)`
    returns (a string; plain or async; the form is already read: `event.request.parsed_form`).
    Over the rate, Kite answers 429 with Retry-After instead of running the action.
    """
    declared_body = None if body is None else BodySize(parse_size(body, setting="body"))
    declared_rate = None if rate is None else parse_rate(rate)
    if key is not None and declared_rate is None:
        raise ValueError(
            "limits(key=...) needs a rate to count against: limits(rate='5/minute', key=...)"
        )
    if key is not None and not callable(key):
        raise ValueError(f"limits(key=...) must be a function of the event, not {key!r}")
    declared = ActionLimits(body=declared_body, rate=declared_rate, key=key)

    def decorate(action: Action) -> Action:
        try:
            setattr(action, _ATTRIBUTE, declared)
        except AttributeError:
            raise TypeError(
                f"@limits(...) cannot mark {action!r}: decorate a function defined with def "
                "or async def"
            ) from None
        return action

    return decorate


def declared_limits(action: Any) -> ActionLimits | None:
    found = getattr(action, _ATTRIBUTE, None)
    return found if isinstance(found, ActionLimits) else None


def body_limit_for(action: Any, page_limit: BodySize | None, app_limit: int | None) -> int | None:
    """The body limit of one action: its own, else its page's (`body_size_limit` in its
    +page.server.py), else the app's."""
    declared = declared_limits(action)
    if declared is not None and declared.body is not None:
        return declared.body.bytes
    if page_limit is not None:
        return page_limit.bytes
    return app_limit


def apply_body_limit(
    event: RequestEvent, action: Any, page_limit: BodySize | None, app_limit: int | None
) -> None:
    """Put the action's body limit in force before anything reads the body."""
    limited = event.request.body_limit
    if limited is not None:
        limited.limit = body_limit_for(action, page_limit, app_limit)
