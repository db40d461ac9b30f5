"""How `parse` builds each tagged slot (``["Date", …]``, ``["Map", …]``…).

A builder receives the unflattener, the slot number, the slot and how many levels of
children it may build by nested calls (see ``Unflattener.open``). It returns the value, or
`PENDING` after opening a frame that will build it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, Protocol

from ._binary import TYPED_ARRAY_KINDS, DataView, TypedArray, b64decode
from ._collections import Map, Set
from ._dates import datetime_from_ms, ms_from_iso
from ._errors import ParseError
from ._refs import MISSING, as_int, invalid, show
from ._types import (
    TEMPORAL_KINDS,
    URL,
    BigInt,
    Boxed,
    Date,
    NullProtoObject,
    RegExp,
    Temporal,
    URLSearchParams,
)


class Unflattener(Protocol):
    """What a builder uses of `_parse.Unflattener`, which calls the builders: described
    here rather than imported, so that the two modules do not import each other."""

    values: list[Any]
    size: int

    def open(self, frame: list[Any], levels: int) -> Any: ...

    def defer(
        self, index: int, refs: list[Any], build: Callable[[list[Any]], Any], levels: int
    ) -> Any: ...

    def run_pairs(self, frame: list[Any], levels: int) -> bool: ...

    def run_set(self, frame: list[Any], levels: int) -> bool: ...


__all__ = ["Builder", "builder_for"]

Builder = Callable[[Unflattener, int, list[Any], int], Any]

_BIGINT: Final = re.compile(r"-?[0-9]+\Z")


def _payload(index: int, slot: list[Any], tag: str, what: str = "a string") -> Any:
    payload = slot[1] if len(slot) > 1 else MISSING
    if type(payload) is not str:
        shown = "nothing" if payload is MISSING else show(payload)
        raise invalid(f"the payload of {tag} must be {what}, not {shown}", index)
    return payload


def _date(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    text = _payload(index, slot, "Date", "a toISOString() string or empty")
    if not text:
        return Date(None)
    try:
        ms = ms_from_iso(text)
    except ValueError as exc:
        raise invalid(f"Date: {exc}", index) from None
    return datetime_from_ms(ms) or Date(ms)


def _regexp(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    source = _payload(index, slot, "RegExp")
    flags = slot[2] if len(slot) > 2 else ""
    if type(flags) is not str:
        raise invalid(f"RegExp flags must be a string, not {show(flags)}", index)
    try:
        return RegExp(source, flags)
    except ValueError as exc:
        raise invalid(str(exc), index) from None


def _bigint(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    digits = _payload(index, slot, "BigInt", "a string of decimal digits")
    if not _BIGINT.match(digits):
        raise invalid(f"cannot convert {show(digits)} to a BigInt", index)
    try:
        return BigInt(digits)
    except ValueError as exc:  # longer than sys.get_int_max_str_digits()
        raise invalid(f"BigInt: {exc}", index) from None


def _url(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    try:
        return URL(_payload(index, slot, "URL"))
    except ValueError as exc:
        raise invalid(str(exc), index) from None


def _search_params(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    return URLSearchParams(_payload(index, slot, "URLSearchParams"))


def _array_buffer(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    encoded = slot[1] if len(slot) > 1 else MISSING
    if type(encoded) is not str:
        raise ParseError("Invalid ArrayBuffer encoding: expected a base64 string", slot=index)
    try:
        return b64decode(encoded)
    except ValueError as exc:
        raise invalid(f"ArrayBuffer: {exc}", index) from None


def _temporal(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    tag = slot[0]
    return Temporal(tag[len("Temporal.") :], _payload(index, slot, tag))


def _boxed(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    ref = as_int(slot[1]) if len(slot) > 1 else None
    if ref is None or (ref not in (-3, -4, -5, -6) and not 0 <= ref < u.size):
        raise invalid("a boxed primitive must refer to a primitive", index)
    if ref >= 0:
        target = u.values[ref]
        is_bigint = type(target) is list and target and target[0] == "BigInt"
        if not is_bigint and type(target) not in (str, int, float, bool):
            raise invalid(f"a boxed primitive cannot hold {show(target)}", index)
    return u.defer(index, [ref], lambda done: Boxed(done[0]), levels)


def _view(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    tag = slot[0]
    buffer = as_int(slot[1]) if len(slot) > 1 else None
    target = u.values[buffer] if buffer is not None and 0 <= buffer < u.size else None
    if not (type(target) is list and target and target[0] == "ArrayBuffer"):
        raise invalid(f"a {tag} must refer to an ArrayBuffer slot", index)
    extent: list[int] = []
    for number in slot[2:4]:
        value = as_int(number)
        if value is None or value < 0:
            raise invalid(f"a {tag}'s offset and length must be non-negative integers", index)
        extent.append(value)
    offset = extent[0] if extent else 0
    count = extent[1] if len(extent) > 1 else None

    def build(done: list[Any]) -> TypedArray | DataView:
        try:
            if tag == "DataView":
                return DataView(done[0], offset, count)
            return TypedArray(tag, done[0], offset, count)
        except (TypeError, ValueError) as exc:
            raise invalid(f"{tag}: {exc}", index) from None

    return u.defer(index, [buffer], build, levels)


def _set(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    return u.open([u.run_set, index, slot, Set(), 1], levels)


def _map(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    if len(slot) % 2 == 0:
        raise invalid("a Map must have a value for every key", index)
    obj: Map[Any, Any] = Map()
    return u.open([u.run_pairs, index, slot, obj, 1, True], levels)


def _null(u: Unflattener, index: int, slot: list[Any], levels: int) -> Any:
    for key in slot[1::2]:
        if type(key) is not str:
            raise ParseError("Cannot parse an object with a non-string key", slot=index)
        if key == "__proto__":
            raise ParseError("Cannot parse an object with a `__proto__` property", slot=index)
    if len(slot) % 2 == 0:
        raise invalid("a null-prototype object has a key without a value", index)
    return u.open([u.run_pairs, index, slot, NullProtoObject(), 1, False], levels)


_BUILDERS: Final[dict[str, Builder]] = {
    "Date": _date,
    "RegExp": _regexp,
    "BigInt": _bigint,
    "URL": _url,
    "URLSearchParams": _search_params,
    "ArrayBuffer": _array_buffer,
    "Object": _boxed,
    "Set": _set,
    "Map": _map,
    "null": _null,
    "DataView": _view,
    **dict.fromkeys(TYPED_ARRAY_KINDS, _view),
    **{"Temporal." + kind: _temporal for kind in TEMPORAL_KINDS},
}


def builder_for(tag: str) -> Builder | None:
    return _BUILDERS.get(tag)
