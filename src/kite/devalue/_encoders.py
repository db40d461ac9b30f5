"""How `stringify` writes each Python type, looked up by exact type (then along the MRO).

An encoder receives the flattener, the value and the value's slot number, and returns
what goes in the slot as plain JSON data (``["Date", "…"]``, a str, an int…), or `PUSHED`
after pushing a frame for a container, whose slot is filled once its children are done.
"""

from __future__ import annotations

import array
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Final, Protocol

from ._binary import ArrayBuffer, DataView, TypedArray, b64encode, typed_array_from_buffer
from ._collections import Map, Set, normalize_key
from ._dates import iso_from_ms, ms_from_date, ms_from_datetime
from ._errors import DevalueError
from ._frames import LIST, SET
from ._text import MAX_SAFE_INTEGER, format_int
from ._types import (
    URL,
    BigInt,
    Boxed,
    Date,
    NullProtoObject,
    RegExp,
    Symbol,
    Temporal,
    URLSearchParams,
)


class Flattener(Protocol):
    """What an encoder uses of `_stringify.Flattener`, which calls the encoders: described
    here rather than imported, so that the two modules do not import each other."""

    keep: list[object]

    def fail(self, message: str, value: object, *, own: bool = False) -> DevalueError: ...

    def number_slot(self, value: float, index: int) -> Any: ...

    def push(self, frame: list[Any]) -> None: ...

    def push_dict(self, value: dict[Any, Any], index: int, *, null: bool = False) -> None: ...

    def push_entries(self, entries: list[tuple[Any, Any]], index: int, value: object) -> None: ...

    def visit(self, value: object) -> int: ...


__all__ = ["ENCODERS", "NAIVE_DATETIME", "PUSHED", "SYMBOL", "Encoder"]

Encoder = Callable[[Flattener, Any, int], Any]

PUSHED: Final = object()
"""Returned by an encoder that pushed a frame instead of producing the slot."""

SYMBOL: Final = "Cannot stringify a Symbol primitive"
NAIVE_DATETIME: Final = (
    "Cannot stringify a naive datetime: a JavaScript Date is an instant, so give it a "
    "timezone (for example dt.replace(tzinfo=datetime.UTC))"
)


def _int(flattener: Flattener, value: int, index: int) -> Any:
    if not isinstance(value, BigInt) and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return int(value)
    try:
        return ["BigInt", format_int(value)]
    except ValueError:
        raise flattener.fail(
            "Cannot stringify an int this long: Python limits int-to-text conversion (see "
            "sys.set_int_max_str_digits)",
            value,
        ) from None


def _datetime(flattener: Flattener, value: datetime, index: int) -> list[str]:
    if value.utcoffset() is None:
        raise flattener.fail(NAIVE_DATETIME, value)
    return ["Date", iso_from_ms(ms_from_datetime(value))]


def _js_date(flattener: Flattener, value: Date, index: int) -> list[str]:
    return ["Date", "" if value.epoch_ms is None else iso_from_ms(value.epoch_ms)]


def _regexp(flattener: Flattener, value: RegExp, index: int) -> list[str]:
    return ["RegExp", value.source, value.flags] if value.flags else ["RegExp", value.source]


def _pattern(flattener: Flattener, value: re.Pattern[str], index: int) -> list[str]:
    try:
        regexp = RegExp.from_pattern(value)
    except ValueError as exc:
        raise flattener.fail(str(exc), value) from None
    return _regexp(flattener, regexp, index)


def _view(flattener: Flattener, view: TypedArray | DataView, tag: str, count: int) -> list[Any]:
    buffer = flattener.visit(view.buffer)
    if view.covers_buffer:
        return [tag, buffer]
    return [tag, buffer, view.byte_offset, count]


def _bytes(flattener: Flattener, value: bytes | bytearray, index: int) -> list[Any]:
    # Like a Node Buffer: a Uint8Array over a buffer of its own.
    view = TypedArray("Uint8Array", ArrayBuffer(value))
    flattener.keep.append(view)
    return _view(flattener, view, "Uint8Array", view.length)


def _buffer_view(flattener: Flattener, value: memoryview | array.array[Any], index: int) -> Any:
    try:
        view = typed_array_from_buffer(value)
    except ValueError as exc:
        raise flattener.fail(f"Cannot stringify this buffer: {exc}", value) from None
    flattener.keep.append(view)
    return _view(flattener, view, view.kind, view.length)


def _set(flattener: Flattener, value: set[Any] | frozenset[Any] | Set[Any], index: int) -> Any:
    members = [normalize_key(member) for member in value]
    flattener.push([SET, iter(members), [], index, None, None, value])
    return PUSHED


def _list(flattener: Flattener, value: list[Any] | tuple[Any, ...], index: int) -> Any:
    flattener.push([LIST, iter(value), [], index, value, None, value])
    return PUSHED


def _dict(flattener: Flattener, value: dict[Any, Any], index: int) -> Any:
    flattener.push_dict(value, index, null=isinstance(value, NullProtoObject))
    return PUSHED


def _map(flattener: Flattener, value: Map[Any, Any], index: int) -> Any:
    flattener.push_entries(value.entries(), index, value)
    return PUSHED


def _symbol(flattener: Flattener, value: Symbol, index: int) -> Any:
    raise flattener.fail(SYMBOL, value)


ENCODERS: Final[dict[type, Encoder]] = {
    str: lambda f, v, i: str.__str__(v),
    int: _int,
    BigInt: _int,
    float: lambda f, v, i: f.number_slot(float(v), i),
    bool: lambda f, v, i: v,
    type(None): lambda f, v, i: None,
    list: _list,
    tuple: _list,
    dict: _dict,
    NullProtoObject: _dict,
    Map: _map,
    set: _set,
    frozenset: _set,
    Set: _set,
    datetime: _datetime,
    date: lambda f, v, i: ["Date", iso_from_ms(ms_from_date(v))],
    Date: _js_date,
    re.Pattern: _pattern,
    RegExp: _regexp,
    Boxed: lambda f, v, i: ["Object", f.visit(v.value)],
    URL: lambda f, v, i: ["URL", v.href],
    URLSearchParams: lambda f, v, i: ["URLSearchParams", str(v)],
    Temporal: lambda f, v, i: ["Temporal." + v.kind, v.text],
    ArrayBuffer: lambda f, v, i: ["ArrayBuffer", b64encode(v)],
    bytes: _bytes,
    bytearray: _bytes,
    memoryview: _buffer_view,
    array.array: _buffer_view,
    TypedArray: lambda f, v, i: _view(f, v, v.kind, v.length),
    DataView: lambda f, v, i: _view(f, v, "DataView", v.byte_length),
    Symbol: _symbol,
}
