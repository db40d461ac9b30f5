"""`parse`'s path for a list of records: an array whose entries are references to
objects, each object referring only to values already built (primitives, most often).
It is the shape `stringify` writes for a table a page returns (see `_records`).

The general path builds each object through `Unflattener.start` and `Unflattener.fill`,
which handle frames, levels and every kind of slot: several calls and a dozen checks per
object before its first value. Here the list as a whole is checked with C-level calls
over the whole sequence, then each object is filled by one tight loop, with the same
per-value check as the general path's fast lookup.

Nothing is recorded in the table of built values until every object is complete, so
`read_records` either builds the whole list or returns None having changed nothing, and
the general path then builds the list, reporting any error with its usual message.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, Final

from ._refs import MISSING

__all__ = ["RECORDS_MIN", "read_records"]

RECORDS_MIN: Final = 20
"""Shortest array worth the checks of this path."""

_INT: Final = frozenset({int})
_DICT: Final = frozenset({dict})


def _record_slots(values: list[Any], built: list[Any], slot: list[Any]) -> list[Any] | None:
    """The object slots *slot* refers to, when each is a distinct plain dict not built
    yet (so not shared with a part of the tree already read), else None."""
    # Exact ints only: a bool is an int to min and indexing, not to devalue.
    if frozenset(map(type, slot)) != _INT or min(slot) < 0:
        return None
    try:
        records = list(map(values.__getitem__, slot))
    except IndexError:
        return None  # out of range
    if frozenset(map(type, records)) != _DICT:
        return None
    # A record built already is a plain dict: compared with MISSING, it is unequal.
    if list(map(built.__getitem__, slot)).count(MISSING) != len(slot):
        return None
    if len(set(slot)) != len(slot):
        return None  # a record listed twice
    if any(map(dict.__contains__, records, repeat("__proto__"))):
        return None  # start() reports it
    return records


def _filled(built: list[Any], size: int, records: list[Any]) -> list[Any] | None:
    """A new dict for each record, its values read from *built*; None at the first
    reference that the general path's fast lookup would not take (another type, out of
    range, a hole, a value not built yet)."""
    objects: list[Any] = []
    append = objects.append
    missing = MISSING
    for record in records:
        obj = {}
        for key, ref in record.items():
            if ref.__class__ is not int or not -7 < ref < size or (value := built[ref]) is missing:
                return None
            obj[key] = value
        append(obj)
    return objects


def _filled_json(built: list[Any], size: int, records: list[Any]) -> list[Any] | None:
    """`_filled` for references decoded from JSON while slots 0 and 1 are not built,
    without the type check: a float, str, None, list or dict cannot index a list (or
    compare with an int) and raises TypeError, and a bool indexes slot 0 or 1, which
    reads as MISSING."""
    objects: list[Any] = []
    append = objects.append
    missing = MISSING
    try:
        for record in records:
            obj = {}
            for key, ref in record.items():
                if not -7 < ref < size or (value := built[ref]) is missing:
                    return None
                obj[key] = value
            append(obj)
    except TypeError:
        return None
    return objects


def read_records(
    values: list[Any], built: list[Any], index: int, slot: list[Any], json_typed: bool
) -> list[Any] | None:
    """Build the array at slot *index* (its JSON *slot*) when it is a list of records and
    record it with its objects in *built*; None, with nothing changed, otherwise. The
    caller skips arrays shorter than `RECORDS_MIN`.
    *json_typed*: every reference is a type JSON decodes to (`parse`, not `unflatten`)."""
    records = _record_slots(values, built, slot)
    if records is None:
        return None
    if json_typed and built[0] is MISSING and built[1] is MISSING:
        objects = _filled_json(built, len(values), records)
    else:
        objects = _filled(built, len(values), records)
    if objects is None:
        return None
    built[index] = objects
    # So that a later reference to a record gets the same dict.
    for ref, obj in zip(slot, objects, strict=True):
        built[ref] = obj
    return objects
