"""Small Python types for JavaScript values that have no natural Python counterpart.

`stringify` accepts them and `parse` returns them, so each survives a round trip exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, get_args

from ._dates import MAX_TIME, datetime_from_ms, iso_from_ms
from ._regexp import check_source, flags_from_python, normalize_flags, normalize_source
from ._urls import check_href, parse_search_params, serialize_search_params

__all__ = [
    "HOLE",
    "TEMPORAL_KINDS",
    "UNDEFINED",
    "URL",
    "BigInt",
    "Boxed",
    "Date",
    "NullProtoObject",
    "RegExp",
    "Symbol",
    "Temporal",
    "URLSearchParams",
]


class _Undefined:
    __slots__ = ()
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNDEFINED"


class _Hole:
    __slots__ = ()
    _instance: _Hole | None = None

    def __new__(cls) -> _Hole:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "HOLE"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "HOLE"


UNDEFINED: Final = _Undefined()
"""JavaScript's ``undefined``: falsy, distinct from None (``null``)."""

HOLE: Final = _Hole()
"""An absent index of a JavaScript array (``[1, , 3]``); valid only as a list element."""


class BigInt(int):
    """An int that is always written as a JavaScript BigInt, whatever its size.

    Plain ints are written as BigInts only outside ±(2**53 - 1); `parse` returns BigInt for
    every BigInt it reads, so ``7n`` stays ``7n``. Arithmetic gives plain ints.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"BigInt({int.__repr__(self)})"


@dataclass(frozen=True, slots=True)
class Boxed:
    """A boxed primitive such as ``new String("s")`` or ``Object(1n)``."""

    value: str | bool | int | float

    def __post_init__(self) -> None:
        if not isinstance(self.value, str | int | float):
            raise TypeError(f"Boxed wraps a str, bool, int or float, not {type(self.value)!r}")


@dataclass(frozen=True, slots=True)
class Date:
    """A JavaScript Date that `datetime` cannot hold: an invalid Date (``epoch_ms=None``) or
    one outside the years 1-9999. `parse` returns an aware `datetime` for every other Date.
    """

    epoch_ms: int | None

    def __post_init__(self) -> None:
        ms = self.epoch_ms
        if ms is not None and (not isinstance(ms, int) or isinstance(ms, bool)):
            raise TypeError("Date.epoch_ms must be an int or None")
        if ms is not None and abs(ms) > MAX_TIME:
            raise ValueError(f"a JavaScript Date holds at most ±{MAX_TIME} ms, not {ms}")

    @property
    def is_valid(self) -> bool:
        return self.epoch_ms is not None

    def isoformat(self) -> str:
        """``toISOString()``, e.g. ``+010000-01-01T00:00:00.000Z``."""
        if self.epoch_ms is None:
            raise ValueError("Invalid Date has no ISO form")
        return iso_from_ms(self.epoch_ms)

    def to_datetime(self) -> datetime:
        """The aware UTC datetime, when `datetime` can hold it."""
        result = None if self.epoch_ms is None else datetime_from_ms(self.epoch_ms)
        if result is None:
            raise ValueError(f"{self!r} is outside the range of datetime")
        return result


@dataclass(frozen=True, slots=True)
class RegExp:
    """A JavaScript regular expression, kept as text: Python's `re` is another dialect.

    *source* is normalised as JavaScript's ``.source`` is (``/`` becomes ``\\/``, an empty
    pattern ``(?:)``) and *flags* sorted into canonical order; either raises `ValueError`
    when JavaScript would refuse it.
    """

    source: str
    flags: str = ""

    def __post_init__(self) -> None:
        source = normalize_source(self.source)
        check_source(source)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "flags", normalize_flags(self.flags))

    @classmethod
    def from_pattern(cls, pattern: re.Pattern[str]) -> RegExp:
        """Convert a compiled Python pattern: re.I, re.M and re.S become ``i``, ``m`` and
        ``s``; other flags (re.X…) raise `ValueError`. The pattern text is not translated."""
        if not isinstance(pattern.pattern, str):
            raise ValueError("Cannot stringify a bytes regular expression")
        return cls(pattern.pattern, flags_from_python(pattern.flags))


@dataclass(frozen=True, slots=True)
class URL:
    """A WHATWG URL, by its serialised ``href`` (not normalised on the Python side)."""

    href: str

    def __post_init__(self) -> None:
        check_href(self.href)

    def __str__(self) -> str:
        return self.href


class URLSearchParams:
    """Form-encoded name/value pairs, like JavaScript's ``URLSearchParams``.

    Build it from a query string (``"a=1&b=2"``), a mapping or an iterable of pairs;
    ``str()`` gives the form-urlencoded text JavaScript's ``toString()`` would.
    """

    __slots__ = ("_pairs",)

    def __init__(self, init: str | Mapping[str, str] | Iterable[tuple[str, str]] = "") -> None:
        if isinstance(init, str):
            pairs = parse_search_params(init)
        elif isinstance(init, Mapping):
            pairs = tuple((str(name), str(value)) for name, value in init.items())
        else:
            pairs = tuple((str(name), str(value)) for name, value in init)
        self._pairs: tuple[tuple[str, str], ...] = pairs

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        return self._pairs

    def get(self, name: str) -> str | None:
        return next((value for key, value in self._pairs if key == name), None)

    def get_all(self, name: str) -> list[str]:
        return [value for key, value in self._pairs if key == name]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __str__(self) -> str:
        return serialize_search_params(self._pairs)

    def __repr__(self) -> str:
        return f"URLSearchParams({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, URLSearchParams):
            return NotImplemented
        return self._pairs == other._pairs

    def __hash__(self) -> int:
        return hash(self._pairs)


class NullProtoObject(dict[str, Any]):
    """An object created with ``Object.create(null)``: a dict that is written as
    ``["null", …]`` instead of ``{…}``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"NullProtoObject({dict.__repr__(self)})"


TemporalKind = Literal[
    "Duration",
    "Instant",
    "PlainDate",
    "PlainDateTime",
    "PlainMonthDay",
    "PlainTime",
    "PlainYearMonth",
    "ZonedDateTime",
]
TEMPORAL_KINDS: Final[frozenset[str]] = frozenset(get_args(TemporalKind))


@dataclass(frozen=True, slots=True)
class Temporal:
    """A ``Temporal.*`` value, by kind and its ``toString()`` text:
    ``Temporal("PlainDate", "1999-09-29")``. Only recent browsers can read these."""

    kind: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in TEMPORAL_KINDS:
            raise ValueError(
                f"unknown Temporal kind {self.kind!r} (one of {', '.join(sorted(TEMPORAL_KINDS))})"
            )
        if not isinstance(self.text, str):
            raise TypeError("Temporal.text must be a str")


class Symbol:
    """A JavaScript symbol. It exists so code that models JavaScript data can say
    "symbol"; devalue cannot send symbols, so `stringify` always refuses one."""

    __slots__ = ("description",)

    def __init__(self, description: str | None = None) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"Symbol({self.description!r})"
