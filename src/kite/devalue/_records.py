"""`stringify`'s bulk path for a list of records: dicts that share one key tuple and hold
only leaves (str, int, float, bool, None), the shape of a table a page returns.

The per-value walk of `_fast_stringify` costs a few Python operations per leaf. Here the
leaves of all records are handled with C-level calls over whole sequences, and Python
only loops over the records' columns and over a few unusual values:

1. ``flat`` holds every record's values, record after record; ``flat[j::width]`` is
   column *j*. A column of one type is checked in bulk (ints within ±MAX_SAFE_INTEGER
   with ``min``/``max``, bools swapped for markers); any other column goes value by value.
2. Every value gets a *key* that is equal for two values exactly when devalue writes them
   as one slot: the value itself for str, int, float and None (``1 == 1.0``, one
   JavaScript number, so they share a key), a marker for True and False (which would
   otherwise equal 1 and 0), ``0`` for 0.0, and a sentinel marker for -0.0, NaN and
   ±Infinity, which are negative references and never slots.
3. ``seq`` is the keys in devalue's depth-first order — each record's marker, then its
   values' keys — and ``dict.fromkeys(seq)`` lists them once each in order of first
   appearance, which is the order of devalue's slot numbers. Keys the writer has numbered
   already keep their references.
4. The new slots' texts come from one call of the C `json` encoder over the new keys,
   separated by a character JSON text cannot contain; integral floats lose their ".0"
   in one ``replace`` and tiny ones get JavaScript's text one by one. The records' own
   slots get the record template, and one ``%`` over the whole writes every reference.
   The writer gets these slots as one piece of text.

The memos are the writer's (`_fast_stringify`), so a value met before, inside or after
the records keeps one slot. Anything this path does not take on — a record met earlier
in the tree, a nested list or dict, another type or a subclass, a BigInt, an integral
float past MAX_SAFE_INTEGER, keys needing care, too deep a nesting — makes
`write_records` return None before it changed anything, and the per-value walk writes
the list instead.
"""

from __future__ import annotations

import json.encoder
from collections import deque
from collections.abc import Callable, Iterator
from itertools import chain, filterfalse, repeat
from math import copysign, inf, isfinite
from typing import Any, Final, Protocol

from ._frames import SHAPE_PLAIN, cached_shape
from ._text import MAX_SAFE_INTEGER, encode_json_string, format_float

__all__ = ["RECORDS_MIN", "Memos", "write_records"]

RECORDS_MIN: Final = 20
"""Shortest list of records worth the bulk path's fixed costs."""

_SEPARATOR: Final = "\x00"
# JSON text escapes control characters inside strings, so this separator only ever
# stands between two values.
_make_encoder = getattr(json.encoder, "c_make_encoder", None)
# Without CPython's C accelerator for json, this path would not be faster: it is off.
_encode_leaves: Final[Callable[[list[Any], int], Any] | None] = (
    None
    if _make_encoder is None
    else _make_encoder(None, None, encode_json_string, None, ":", _SEPARATOR, False, False, True)
)

_LEAF_TYPES: Final = frozenset({str, int, float, bool, type(None)})
_TEXT_TYPES: Final = frozenset({str, type(None)})


class _Marker:
    """A key standing for a value that must not share a dict entry with its equals."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_TRUE: Final = _Marker("true")
_FALSE: Final = _Marker("false")
_BOOLS: Final = {True: _TRUE, False: _FALSE}
_CONSTANT_OF: Final = {_TRUE: True, _FALSE: False}
# Negative references: these values are never slots.
_NEGATIVE_ZERO: Final = _Marker("-6")
_NAN: Final = _Marker("-3")
_INFINITY: Final = _Marker("-4")
_MINUS_INFINITY: Final = _Marker("-5")
_SENTINELS: Final = (_NEGATIVE_ZERO, _NAN, _INFINITY, _MINUS_INFINITY)
_NUMBER_OF: Final = {str(number): number for number in range(1 << 13)}
_CONSTANTS: Final = ((_TRUE, True), (_FALSE, False), (None, None))


class Memos(Protocol):
    """What the writer shares: slot texts so far, its memos and its reference numbers."""

    pieces: list[str]
    scalars: dict[object, str]
    consts: dict[object, str]
    objects: dict[int, str]
    refs: Iterator[str]


class _Irregular(Exception):
    """A value this path leaves to the per-value walk."""


def _float_key(value: float, odd: set[float]) -> object:
    """The key of a float that a column check flagged; *odd* collects the floats whose
    Python text is not JavaScript's."""
    if value != value:
        return _NAN
    if value == inf:
        return _INFINITY
    if value == -inf:
        return _MINUS_INFINITY
    if not value:
        return _NEGATIVE_ZERO if copysign(1, value) < 0 else 0
    if value.is_integer() and abs(value) > MAX_SAFE_INTEGER:
        raise _Irregular  # the writer keeps these apart from BigInts
    if abs(value) < 1e-4:
        odd.add(value)
    return value


def _leaf_key(value: Any, odd: set[float]) -> object:
    cls = value.__class__
    if cls is str or value is None:
        return value
    if cls is bool:
        return _TRUE if value else _FALSE
    if cls is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise _Irregular
        return value
    if cls is float:
        return _float_key(value, odd)
    raise _Irregular


def _zero_keys(column: list[float], magnitudes: list[float]) -> list[Any] | None:
    """The keys of a column of finite floats when some are zero (0.0 is the number 0,
    -0.0 a sentinel), else None; the zeros' *magnitudes* are set to 1 so that they do not
    look tiny."""
    zeros = magnitudes.count(0.0)
    if not zeros:
        return None
    keys: list[Any] = list(column)
    at = -1
    for _ in range(zeros):
        at = magnitudes.index(0.0, at + 1)
        keys[at] = _NEGATIVE_ZERO if copysign(1, column[at]) < 0 else 0
        magnitudes[at] = 1.0
    return keys


def _column_keys(column: list[Any], odd: set[float]) -> list[Any] | None:
    """The keys of one column, or None when the values are their own keys."""
    kinds = set(map(type, column))
    if kinds <= _TEXT_TYPES:
        return None
    if kinds == {int}:
        if min(column) >= -MAX_SAFE_INTEGER and max(column) <= MAX_SAFE_INTEGER:
            return None
        raise _Irregular
    if kinds == {bool}:
        return list(map(_BOOLS.__getitem__, column))
    if kinds == {float}:
        # A finite sum rules out NaN and ±Infinity.
        if isfinite(sum(column)):
            keys = _zero_keys(column, magnitudes := list(map(abs, column)))
            if min(magnitudes) >= 1e-4 and max(magnitudes) <= MAX_SAFE_INTEGER:
                return keys
    elif not kinds <= _LEAF_TYPES:
        raise _Irregular
    return [_leaf_key(value, odd) for value in column]


def _record_template(records: list[Any]) -> tuple[tuple[str, ...], str] | None:
    """The shared keys and the ``%`` template of one record's text, which takes its
    values' references."""
    first = records[0]
    # The first record tells most lists this path does not take (a nested list in each
    # record, say) at once, before any scan of the whole list.
    if not _LEAF_TYPES.issuperset(map(type, first.values())):
        return None
    keys = tuple(first)
    if not keys or cached_shape(keys)[0] != SHAPE_PLAIN:
        return None
    if set(map(type, records)) != {dict}:
        return None
    if list(chain.from_iterable(records)) != list(keys) * len(records):
        return None
    parts = (encode_json_string(key).replace("%", "%%") + ":%s" for key in keys)
    return keys, "{" + ",".join(parts) + "}"


def _keys_in_order(records: list[Any], ids: list[int], width: int, odd: set[float]) -> list[Any]:
    """Every key in devalue's order: each record's marker, then its values' keys."""
    flat = list(chain.from_iterable(map(dict.values, records)))
    for column in range(width):
        keys = _column_keys(flat[column::width], odd)
        if keys is not None:
            flat[column::width] = keys
    markers = list(zip(ids))  # 1-tuples: equal to no leaf key
    step = width + 1
    seq: list[Any] = [None] * (len(records) * step)
    seq[::step] = markers
    for column in range(width):
        seq[column + 1 :: step] = flat[column::width]
    return seq


def _number(seq: list[Any], memos: Memos) -> tuple[list[Any], dict[Any, str]]:
    """Give the keys met for the first time the next references, in order of first
    appearance, and record them in the writer's memos. Returns those keys, and the
    reference of every key in *seq*."""
    scalars, consts = memos.scalars, memos.consts
    refs: dict[Any, Any] = dict.fromkeys(seq)
    taken: dict[Any, str] = {}
    for sentinel in _SENTINELS:
        if refs.pop(sentinel, 0) is None:
            taken[sentinel] = sentinel.text
    for marker, constant in _CONSTANTS:
        if marker in refs and constant in consts:
            del refs[marker]
            taken[marker] = consts[constant]
    if scalars:
        known = list(filter(scalars.__contains__, refs))
        taken.update(zip(known, map(scalars.__getitem__, known), strict=True))
        new = list(filterfalse(scalars.__contains__, refs))
    else:
        new = list(refs)
    refs.update(zip(new, memos.refs, strict=False))  # memos.refs never runs out
    refs.update(taken)
    # Into an empty dict (a list at the root), update copies the table at once.
    scalars.update(refs)
    for marker, constant in _CONSTANTS:
        if marker in refs and constant not in consts:
            consts[constant] = refs[marker]
    return new, refs


def _slot_texts(
    encode: Callable[[list[Any], int], Any],
    new: list[Any],
    at: list[int],
    odd: set[float],
    ref_of: dict[Any, str],
) -> list[str]:
    """The texts of the new slots as ``%`` templates: literal text for the leaves, the
    record template at the records' own slots *at*."""
    base = int(ref_of[new[0]])
    values = list(new)
    deque(map(values.__setitem__, at, repeat(None)), maxlen=0)
    for marker in (_TRUE, _FALSE):
        ref = ref_of.get(marker)
        if ref is not None and int(ref) >= base:
            values[int(ref) - base] = _CONSTANT_OF[marker]
    text = "".join(encode(values, 0))[1:-1] + _SEPARATOR
    if "%" in text:
        text = text.replace("%", "%%")
    # Python writes an integral float as "5.0", JavaScript as "5". A value ending in ".0"
    # can only be such a float (a string's text ends with a quote), and only safe ones
    # get here, whose digits are JavaScript's.
    texts = text.replace(".0" + _SEPARATOR, _SEPARATOR).split(_SEPARATOR)
    texts.pop()
    for value in odd:
        ref = ref_of[value]
        # A tiny float numbered before keeps its slot; one that shares its slot with an
        # equal float met earlier in this list has that one's text, the same.
        if int(ref) >= base:
            texts[int(ref) - base] = format_float(value)
    return texts


def _numbers(refs: list[str]) -> Iterator[int]:
    """The numbers of increasing references (a table lookup costs less than `int`)."""
    return map(_NUMBER_OF.__getitem__ if refs[-1] in _NUMBER_OF else int, refs)


def write_records(records: list[Any], memos: Memos, nested_ok: bool) -> str | None:
    """Number and write a list of records whose own slot the writer has just taken;
    returns the list's slot text, or None (nothing changed) when the per-value walk must
    write it. *nested_ok* says whether the records may nest one level deeper.

    The new slots go to ``memos.pieces`` as one piece, their texts joined."""
    encode = _encode_leaves
    if len(records) < RECORDS_MIN or not nested_ok or encode is None:
        return None
    found = _record_template(records)
    if found is None:
        return None
    ids = list(map(id, records))
    # Each record must be new, so that each takes a slot here: one met before is written
    # as a reference, which the per-value walk does.
    if len(set(ids)) != len(ids) or not memos.objects.keys().isdisjoint(ids):
        return None
    keys, template = found
    odd: set[float] = set()
    try:
        seq = _keys_in_order(records, ids, len(keys), odd)
    except _Irregular:
        return None
    new, ref_of = _number(seq, memos)
    refs = list(map(ref_of.__getitem__, seq))
    step = len(keys) + 1
    own_refs = refs[::step]
    del refs[::step]
    at = list(map(int(own_refs[0]).__rsub__, _numbers(own_refs)))
    texts = _slot_texts(encode, new, at, odd, ref_of)
    deque(map(texts.__setitem__, at, repeat(template)), maxlen=0)
    memos.pieces.append(",".join(texts) % tuple(refs))
    memos.objects.update(zip(ids, own_refs, strict=True))
    return "[" + ",".join(own_refs) + "]"
