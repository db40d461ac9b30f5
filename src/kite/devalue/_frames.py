"""The frames of `stringify`'s explicit stack, dict shapes, and error paths.

A frame is a list indexed by the ``KIND``… constants below: the container being written,
an iterator over its children, the references of the children written so far, and what
the error path needs to name the current child.
"""

from __future__ import annotations

from itertools import chain
from math import inf
from typing import Any, Final

from ._text import MAX_SAFE_INTEGER, escape, format_float, format_int, key_segment
from ._types import UNDEFINED, BigInt, Symbol

__all__ = [
    "AUX",
    "HOLEY",
    "INDEX",
    "IT",
    "KIND",
    "LEAF_LEVELS",
    "LIST",
    "MAP",
    "NULL",
    "OBJECT",
    "PROTO",
    "REFS",
    "SET",
    "SHAPES",
    "SHAPE_KEYED",
    "SHAPE_MAP",
    "SHAPE_PLAIN",
    "SHAPE_SYMBOLS",
    "SPARSE",
    "SRC",
    "VALUE",
    "Shape",
    "cached_shape",
    "plain_keys",
    "segment",
    "shape_of",
    "slot_of",
]

# Frame kinds; kinds up to SPARSE are arrays.
LIST, HOLEY, SPARSE, OBJECT, PROTO, NULL, MAP, SET = range(8)
# Frame slots: kind, child iterator, child refs, own slot number, what names the children
# (keys, or the list itself), kind-specific extra (the sparse index), the value.
KIND, IT, REFS, INDEX, SRC, AUX, VALUE = range(7)

# Shape kinds: a plain object in insertion order; an object needing care (index-like
# keys to reorder, a "then" or "__proto__" key); a dict with non-str keys; symbol keys.
SHAPE_PLAIN, SHAPE_KEYED, SHAPE_MAP, SHAPE_SYMBOLS = range(4)

# (shape kind, keys in JavaScript order, position of "__proto__" or -1)
Shape = tuple[int, tuple[Any, ...], int]

_MAX_INDEX: Final = 4_294_967_294


def _is_index(key: str) -> bool:
    # A canonical array index: JavaScript enumerates these first, in numeric order.
    return (
        key.isdigit()
        and key.isascii()
        and len(key) <= 10
        and (key[0] != "0" or key == "0")
        and int(key) <= _MAX_INDEX
    )


def shape_of(keys: tuple[Any, ...]) -> Shape:
    """What a dict's keys imply for writing it; many dicts in a payload share one."""
    if not all(isinstance(key, str) for key in keys):
        if any(isinstance(key, Symbol) for key in keys):
            return (SHAPE_SYMBOLS, keys, -1)
        return (SHAPE_MAP, keys, -1)
    indices = [key for key in keys if _is_index(key)]
    ordered = keys
    if indices:
        ordered = (*sorted(indices, key=int), *(key for key in keys if not _is_index(key)))
    proto_at = ordered.index("__proto__") if "__proto__" in ordered else -1
    plain = not indices and proto_at < 0 and "then" not in ordered
    return (SHAPE_PLAIN if plain else SHAPE_KEYED, ordered, proto_at)


# Shapes of str-keyed dicts, shared by all calls: payloads repeat their shapes request after
# request. Bounded, since keys can come from user data.
SHAPES: dict[tuple[Any, ...], Shape] = {}
_SHAPES_LIMIT: Final = 2048

LEAF_LEVELS: Final = 2
"""How many levels of nested lists and dicts `stringify` writes without frames."""


def cached_shape(keys: tuple[Any, ...]) -> Shape:
    shape = SHAPES.get(keys)
    if shape is None:
        shape = shape_of(keys)
        if shape[0] in (SHAPE_PLAIN, SHAPE_KEYED):
            if len(SHAPES) >= _SHAPES_LIMIT:
                SHAPES.clear()
            SHAPES[keys] = shape
    return shape


def plain_keys(value: dict[Any, Any]) -> tuple[str, ...] | None:
    """The keys of a dict known to be a plain object in insertion order, else None."""
    keys = tuple(value)
    shape = SHAPES.get(keys)
    return keys if shape is not None and shape[0] == SHAPE_PLAIN else None


_TAGS: Final = {NULL: "null", MAP: "Map", SET: "Set"}


def slot_of(frame: list[Any]) -> Any:
    """A finished container's slot, as JSON data."""
    kind, refs = frame[KIND], frame[REFS]
    if kind <= SPARSE:
        return refs
    if kind == OBJECT:
        return dict(zip(frame[SRC], refs, strict=True))
    if kind == NULL:
        return ["null", *chain.from_iterable(zip(frame[SRC], refs, strict=True))]
    return [_TAGS[kind], *refs]


def map_key_text(key: object) -> str:
    """A Map key as devalue shows it in an error path: ``.get(<this>)``."""
    if isinstance(key, str):
        return escape(key)
    if key is None or isinstance(key, bool):
        return {None: "null", True: "true", False: "false"}[key]
    if key is UNDEFINED:
        return "-1"
    if isinstance(key, int):
        if isinstance(key, BigInt) or not -MAX_SAFE_INTEGER <= key <= MAX_SAFE_INTEGER:
            return '["BigInt","' + format_int(key) + '"]'
        return format_int(key)
    if isinstance(key, float):
        if key != key:
            return "NaN"
        if key in (inf, -inf):
            return "Infinity" if key > 0 else "-Infinity"
        return "0" if key == 0 else format_float(key)
    return "..."


def segment(frame: list[Any], top: bool) -> str:
    """The path segment from a frame to the child it is working on: the top frame has not
    recorded that child's reference yet, the frames below it have."""
    kind = frame[KIND]
    if kind == SET:
        return ""
    if kind == SPARSE:
        return f"[{frame[AUX]}]"
    position = len(frame[REFS]) - (0 if top else 1)
    if kind in (LIST, HOLEY):
        return f"[{position}]"
    if kind == MAP:
        return ".get(" + map_key_text(frame[SRC][position // 2]) + ")"
    return key_segment(frame[SRC][position])
