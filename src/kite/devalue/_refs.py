"""What `parse` needs to read slots and references: sentinel values, the internal markers
and the checks that turn bad input into `ParseError`."""

from __future__ import annotations

import json
from math import copysign, inf, nan
from typing import Any, Final

from ._errors import ParseError
from ._text import MAX_SAFE_INTEGER
from ._types import UNDEFINED

__all__ = [
    "INVALID",
    "MISSING",
    "PENDING",
    "SENTINEL_VALUES",
    "TAIL",
    "as_int",
    "invalid",
    "is_number",
    "number",
    "show",
]

INVALID: Final = "Invalid input"

MISSING: Final = object()
"""A slot not built yet (or a reference that needs a closer look)."""

PENDING: Final = object()
"""Returned instead of a value when a frame was pushed to build it."""

SENTINEL_VALUES: Final[dict[int, Any]] = {-1: UNDEFINED, -3: nan, -4: inf, -5: -inf, -6: -0.0}

TAIL: Final[tuple[Any, ...]] = (-0.0, -inf, inf, nan, MISSING, UNDEFINED)
"""Appended to the table of built values so that references -6…-1 index it directly
(-2, a hole, needs context, so it reads as MISSING)."""


def show(value: object) -> str:
    """A short rendering of a piece of input for an error message."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def invalid(detail: str, slot: int | None) -> ParseError:
    return ParseError(f"{INVALID}: {detail}", slot=slot)


def number(value: int | float) -> int | float:
    """A JSON number as `parse` returns it: int when integral and safe, else float."""
    if type(value) is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        try:
            return float(value)
        except OverflowError:
            return inf if value > 0 else -inf
    if (
        isinstance(value, float)
        and value.is_integer()
        and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
        and (value or copysign(1, value) > 0)
    ):
        return int(value)
    return value


def as_int(value: object) -> int | None:
    """*value* as an int when it is a JSON number with an integral value."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    return None


def is_number(value: object) -> bool:
    return type(value) is int or type(value) is float
