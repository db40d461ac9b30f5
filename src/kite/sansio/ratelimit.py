"""Rate limits such as ``"5/minute"``: parsing them, and deciding one attempt — pure functions.

A rate of N per period allows at most N attempts in *any* stretch of time one period long
(a sliding log of the allowed attempts' times), not N per clock minute: with fixed windows,
five attempts at 12:00:59 and five more at 12:01:00 would all pass. The log of one key holds
at most N times, which is why a rate's N is capped (``MAX_LIMIT``).

Refused attempts are not logged, so that a client that keeps trying is let in again one
period after its last *allowed* attempt. The state also remembers whether the current run of
refusals was reported already: the server logs the first refusal of a run, not every one.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

__all__ = [
    "MAX_LIMIT",
    "Decision",
    "Rate",
    "RateState",
    "decide",
    "decode_state",
    "encode_state",
    "expires_after",
    "parse_rate",
    "parse_store",
]

#: The largest N of "N/period": the log of a key holds up to N times.
MAX_LIMIT = 10_000

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}

_RATE = re.compile(r"\s*(\d{1,9})\s*(?:/|per)\s*(\d{1,9})?\s*([a-z]+)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Rate:
    """At most `limit` attempts in any `period` seconds."""

    limit: int
    period: int
    text: str


def parse_rate(value: str) -> Rate:
    """``"5/minute"``, ``"100/hour"``, ``"3/10 minutes"``, ``"10 per second"``, ``"1000/day"``.

    Units: second, minute, hour, day (also plural, and s, sec, m, min, h, d). Raises
    ``ValueError`` saying what is wrong for anything else, and for a limit or period of 0.
    """
    if not isinstance(value, str):
        raise ValueError(f"a rate must be a string such as '5/minute', not {value!r}")
    match = _RATE.fullmatch(value)
    unit = _UNITS.get(match.group(3).lower()) if match else None
    if match is None or unit is None:
        raise ValueError(
            f"invalid rate {value!r}: write the number of attempts, a slash and a period, "
            "such as '5/minute', '100/hour' or '3/10 minutes' (units: second, minute, hour, day)"
        )
    limit = int(match.group(1))
    period = int(match.group(2) or 1) * unit
    if limit < 1 or period < 1:
        raise ValueError(
            f"invalid rate {value!r}: the number of attempts and the period must be ≥ 1"
        )
    if limit > MAX_LIMIT:
        raise ValueError(
            f"invalid rate {value!r}: at most {MAX_LIMIT} attempts per period (each key keeps "
            "the times of its allowed attempts)"
        )
    return Rate(limit=limit, period=period, text=value.strip())


@dataclass(frozen=True)
class RateState:
    """What is stored per key: the times of the allowed attempts still in the period, and
    whether the current run of refusals has been reported."""

    stamps: tuple[float, ...] = ()
    reported: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: Whole seconds until an attempt would be allowed again (0 when allowed).
    retry_after: int = 0
    #: The first refusal since the key's last allowed attempt: the one to log.
    first_refusal: bool = False


def decide(rate: Rate, state: RateState, now: float) -> tuple[RateState, Decision]:
    """Whether an attempt at `now` is allowed, and the key's state after it."""
    recent = tuple(stamp for stamp in state.stamps if now - rate.period < stamp <= now)
    if len(recent) < rate.limit:
        return RateState((*recent, now), reported=False), Decision(allowed=True)
    # The oldest of the last `limit` attempts leaving the period lets one more in.
    frees_at = recent[-rate.limit] + rate.period
    retry_after = max(1, math.ceil(frees_at - now))
    refused = Decision(allowed=False, retry_after=retry_after, first_refusal=not state.reported)
    return RateState(recent, reported=True), refused


def expires_after(rate: Rate, state: RateState, now: float) -> float:
    """Seconds after which a store may forget the key: its state no longer matters."""
    newest = max(state.stamps, default=now)
    return max(1.0, newest + rate.period - now)


def encode_state(state: RateState) -> str:
    return json.dumps({"t": [round(stamp, 3) for stamp in state.stamps], "r": state.reported})


def decode_state(text: str | bytes | None) -> RateState:
    """The stored state; anything unreadable (another version's format, a damaged row)
    counts as a key with no attempts rather than failing every request."""
    if not text:
        return RateState()
    try:
        raw = json.loads(text)
        stamps = tuple(float(stamp) for stamp in raw["t"])
        return RateState(stamps, reported=bool(raw["r"]))
    except (ValueError, TypeError, KeyError):
        return RateState()


_STORE_SCHEMES = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "redis": "redis",
    "rediss": "redis",
    "unix": "redis",
}


def parse_store(value: str) -> tuple[str, str]:
    """The kind of store a ``[rate_limits] store`` setting names, and where it is.

    ``"memory"`` (counters in each worker); ``"sqlite:///relative/app.db"`` or
    ``"sqlite:////absolute/app.db"`` (the path after ``sqlite:///``, as SQLAlchemy writes
    it); ``"postgresql://…"`` or ``"postgres://…"``; ``"redis://…"``, ``"rediss://…"`` or
    ``"unix://…"`` (Redis on a socket). Raises ``ValueError`` for anything else.
    """
    text = value.strip() if isinstance(value, str) else ""
    if text == "memory":
        return "memory", ""
    scheme, separator, rest = text.partition("://")
    kind = _STORE_SCHEMES.get(scheme.lower()) if separator else None
    if kind == "sqlite":
        path = rest[1:] if rest.startswith("/") else ""
        if path:
            return "sqlite", path
    elif kind is not None and rest:
        return kind, text
    raise ValueError(
        f'rate_limits.store {value!r} names no store: use "memory", '
        '"sqlite:///path/to/app.db", "postgresql://user@host/db" or "redis://host:6379/0"'
    )
