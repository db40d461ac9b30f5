"""What ran, counted, so that tests can prove a validation request ran no action and no
load; and a gate that holds a validation until the test lets it go (a slow answer on cue)."""

from __future__ import annotations

import asyncio
import contextlib

counts: dict[str, int] = {"load": 0, "action": 0, "validate": 0, "in_flight": 0, "max_in_flight": 0}
_gate: asyncio.Event | None = None


def hit(name: str) -> None:
    counts[name] += 1


def enter() -> None:
    counts["validate"] += 1
    counts["in_flight"] += 1
    counts["max_in_flight"] = max(counts["max_in_flight"], counts["in_flight"])


def leave() -> None:
    counts["in_flight"] -= 1


async def hold() -> None:
    """Wait until release() (at most 10 s, so that a failed test cannot hang the server)."""
    global _gate
    _gate = asyncio.Event()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_gate.wait(), 10)


def release() -> None:
    if _gate is not None:
        _gate.set()
