"""Form field names as paths: `address.city`, `items[0].qty`, `tags[]`.

HTML forms are flat: every control sends `name=value`. A typed form gives those names a
structure — dots go into nested models, `[n]` picks an item of a list and `[]` appends one —
so that a form without JavaScript can fill any model. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["APPEND", "HUGE_INDEX", "Path", "format_path", "parse_name"]


class _Append:
    """The `[]` segment: the next item of a list, however many came before."""

    def __repr__(self) -> str:
        return "APPEND"


APPEND: Final = _Append()

Segment = str | int | _Append

HUGE_INDEX: Final = 10**9
"""Stands for any index written with more than 9 digits."""
Path = tuple[Segment, ...]

# One identifier, then any number of `.identifier`, `[digits]` or `[]`. Identifiers follow
# Python's (field names of pydantic models), hyphens allowed for aliases such as `first-name`.
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_\-]*"
_NAME = re.compile(rf"{_IDENTIFIER}(?:\.{_IDENTIFIER}|\[\d*\])*")
_SEGMENT = re.compile(rf"\.?({_IDENTIFIER})|\[(\d*)\]")


def parse_name(name: str) -> Path | None:
    """The path of a field name, or None when it is not one a typed form understands.

    `items[0].qty` → `("items", 0, "qty")`; `tags[]` → `("tags", APPEND)`. An index of more
    than 9 digits reads as `HUGE_INDEX` without converting the digits (which could take
    long); how large an index may be is up to the caller.
    """
    if not _NAME.fullmatch(name):
        return None
    path: list[Segment] = []
    for match in _SEGMENT.finditer(name):
        identifier, index = match.groups()
        if identifier is not None:
            path.append(identifier)
        elif index:
            path.append(int(index) if len(index) <= 9 else HUGE_INDEX)
        else:
            path.append(APPEND)
    return tuple(path)


def format_path(path: Path) -> str:
    """The field name of a path: the inverse of `parse_name`."""
    parts: list[str] = []
    for segment in path:
        if isinstance(segment, _Append):
            parts.append("[]")
        elif isinstance(segment, int):
            parts.append(f"[{segment}]")
        else:
            parts.append(f".{segment}" if parts else segment)
    return "".join(parts)
