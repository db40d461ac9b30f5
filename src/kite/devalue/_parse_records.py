"""`parse`'s path for a list of records: an array whose entries are references to
objects, each object referring only to values already built (primitives, most often).
It is the shape `stringify` writes for a table a page returns (see `_records`).

The general path builds each object through `Unflattener.start` and `Unflattener.fill`,
which handle frames, levels and every kind of slot: several calls and a dozen checks per
object before its first value. Here the list as a whole is checked with C-level calls
over the whole sequence, then each object is filled by one tight loop, with the same
per-value check as the general path's fast lookup.

Nothing is recorded in the table of built values until the list has passed its checks,
so `read_records` either builds the whole list, or returns None having recorded only
complete objects that the general path would have built first anyway, and the general
path then builds the rest, reporting any error with its usual message.
"""

from __future__ import annotations

from itertools import repeat
from operator import is_
from typing import Any, Final

from ._refs import MISSING

__all__ = ["RECORDS_MIN", "read_records"]

RECORDS_MIN: Final = 20
"""Shortest array worth the checks of this path."""

_INT: Final = frozenset({int})
_DICT: Final = frozenset({dict})


def _first_is_record(values: list[Any], built: list[Any], slot: list[Any]) -> bool:
    """Whether the array's first entry is a record this path takes: a look at one record
    turns most other arrays (of numbers, of lists, of records holding lists…) away before
    any scan of the whole array."""
    size = len(values)
    ref = slot[0]
    if ref.__class__ is not int or not 0 <= ref < size or built[ref] is not MISSING:
        return False
    first = values[ref]
    if first.__class__ is not dict:
        return False
    for value in first.values():
        if value.__class__ is not int or not -7 < value < size or built[value] is MISSING:
            return False
    return True


def _record_slots(
    values: list[Any], built: list[Any], slot: list[Any], json_typed: bool
) -> list[Any] | None:
    """The object slots *slot* refers to, when each is a distinct plain dict not built
    yet (so not shared with a part of the tree already read), else None."""
    # Exact ints only: a bool is an int to min and indexing, not to devalue.
    if frozenset(map(type, slot)) != _INT or min(slot) < 0:
        return None
    try:
        records = list(map(values.__getitem__, slot))
    except IndexError:
        return None  # out of range
    if not all(map(is_, map(built.__getitem__, slot), repeat(MISSING))):
        return None  # built already: a value, or a record shared with the tree read so far
    # Not built yet and decoded from JSON: a list or a dict, and dict.__contains__ below
    # refuses a list. Other input may hold a dict subclass, which it would not refuse.
    if not json_typed and frozenset(map(type, records)) != _DICT:
        return None
    if len(set(slot)) != len(slot):
        return None  # a record listed twice
    try:
        if any(map(dict.__contains__, records, repeat("__proto__"))):
            return None  # start() reports it
    except TypeError:
        return None  # a list
    return records


def _filled(built: list[Any], size: int, records: list[Any]) -> list[Any]:
    """A new dict for each record, its values read from *built*, up to the first record
    holding a reference that the general path's fast lookup would not take (another
    type, out of range, a hole, a value not built yet)."""
    objects: list[Any] = []
    append = objects.append
    missing = MISSING
    for record in records:
        obj = {}
        for key, ref in record.items():
            if ref.__class__ is not int or not -7 < ref < size or (value := built[ref]) is missing:
                return objects
            obj[key] = value
        append(obj)
    return objects


def _filled_json(built: list[Any], size: int, records: list[Any]) -> list[Any]:
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
                    return objects
                obj[key] = value
            append(obj)
    except TypeError:
        pass
    return objects


def read_records(
    values: list[Any], built: list[Any], index: int, slot: list[Any], json_typed: bool
) -> list[Any] | None:
    """Build the array at slot *index* (its JSON *slot*) when it is a list of records and
    record it with its objects in *built*. Otherwise return None, having recorded at
    most the records before the first one this path does not take: the general path,
    which would have built them first too, then finds them built. The caller skips
    arrays shorter than `RECORDS_MIN`.
    *json_typed*: every reference is a type JSON decodes to (`parse`, not `unflatten`)."""
    if not _first_is_record(values, built, slot):
        return None
    records = _record_slots(values, built, slot, json_typed)
    if records is None:
        return None
    if json_typed and built[0] is MISSING and built[1] is MISSING:
        objects = _filled_json(built, len(values), records)
    else:
        objects = _filled(built, len(values), records)
    # So that a later reference to a record gets the same dict.
    for ref, obj in zip(slot, objects, strict=False):
        built[ref] = obj
    if len(objects) < len(slot):
        return None
    built[index] = objects
    return objects
