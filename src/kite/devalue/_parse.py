"""`parse`: devalue text -> Python value.

The slot table is decoded by `json`, then hydrated with an explicit stack of frames. A
container is created and recorded before its children are filled, so cycles resolve to
the very same object; a child that needs work of its own suspends its parent's frame
until it is done. Values whose construction needs finished children (boxed primitives,
typed arrays, revived custom types) are recorded only once built, and meeting one again
while it is being built is a circular reference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from itertools import compress, repeat
from operator import is_
from typing import Any, Final

from ._builders import builder_for
from ._errors import ParseError
from ._parse_records import RECORDS_MIN, read_records
from ._refs import (
    MISSING,
    PENDING,
    SENTINEL_VALUES,
    TAIL,
    as_int,
    invalid,
    is_number,
    number,
    show,
)
from ._text import MAX_SAFE_INTEGER
from ._types import HOLE, UNDEFINED

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MAX_SPARSE_LENGTH",
    "Revivers",
    "Unflattener",
    "parse",
    "unflatten",
]

Revivers = Mapping[str, Callable[[Any], Any]]

DEFAULT_MAX_LENGTH: Final = 10_000_000
"""Longest text `parse` reads, in characters."""

DEFAULT_MAX_SPARSE_LENGTH: Final = 1 << 22
"""Most list elements that sparse arrays may add up to in one `parse`: a sparse array
costs a few characters of input however long it is, a Python list 8 bytes per element."""

_MAX_ARRAY_LENGTH: Final = 2**32 - 1
# How many levels of nested containers are filled by nested calls rather than frames.
_LEVELS: Final = 2

Frame = list[Any]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)


_UNBUILT_KINDS: Final[dict[type, Any]] = {list: MISSING, dict: MISSING}
_JSON_TYPES: Final = frozenset({list, dict, str, int, float, bool, type(None)})


def _built_small(values: list[Any], json_checked: bool) -> list[Any]:
    # The scans of _built_primitives cost more than a plain loop on a small table.
    built = list(values)
    for index, slot in enumerate(values):
        kind = slot.__class__
        if kind is float or (kind is int and not -MAX_SAFE_INTEGER <= slot <= MAX_SAFE_INTEGER):
            built[index] = number(slot)
        elif kind is list or kind is dict or (not json_checked and kind not in _JSON_TYPES):
            built[index] = MISSING
    built += TAIL
    return built


def _built_primitives(values: list[Any], json_checked: bool) -> list[Any]:
    """The table of built values: every primitive slot already final, every other slot
    MISSING, then the sentinel `TAIL`. The scans are C-level; only integral floats and
    unsafe ints, both rare, are visited one by one."""
    if len(values) < 64:
        return _built_small(values, json_checked)
    kinds = list(map(type, values))
    # One pass copies the table with each list and dict slot replaced by MISSING.
    built = list(map(_UNBUILT_KINDS.get, kinds, values))
    floats = list(compress(values, map(is_, kinds, repeat(float))))
    if any(map(float.is_integer, floats)):
        for index in compress(range(len(values)), map(is_, kinds, repeat(float))):
            built[index] = number(values[index])  # 5.0 reads as 5; other floats are final
    ints = list(compress(values, map(is_, kinds, repeat(int))))
    if ints and not -MAX_SAFE_INTEGER <= min(ints) <= max(ints) <= MAX_SAFE_INTEGER:
        for index in compress(range(len(values)), map(is_, kinds, repeat(int))):
            built[index] = number(values[index])
    if not json_checked and not _JSON_TYPES.issuperset(kinds):
        for index, kind in enumerate(kinds):
            if kind not in _JSON_TYPES:
                built[index] = MISSING  # start() reports it
    built += TAIL
    return built


class Unflattener:
    """One `parse` call: the JSON slots, the values built so far and the frames."""

    __slots__ = (
        "built",
        "bulk_records",
        "json_typed",
        "pending",
        "revivers",
        "size",
        "sparse_left",
        "stack",
        "values",
    )

    def __init__(
        self,
        values: list[Any],
        revivers: Revivers | None,
        max_sparse: int,
        *,
        json_checked: bool = False,
        bulk_records: bool = True,
    ) -> None:
        self.values = values
        self.size = len(values)
        # Indexed by reference: slot values once built (MISSING before), then the
        # sentinels, so one list lookup serves the common references.
        self.built = _built_primitives(values, json_checked)
        self.stack: list[Frame] = []
        self.revivers: Revivers = revivers or {}
        self.pending: set[int] = set()
        self.sparse_left = max_sparse
        self.json_typed = json_checked
        # Off only to compare with the general path (tests).
        self.bulk_records = bulk_records

    def run(self) -> Any:
        self.resolve(0, _LEVELS)
        stack = self.stack
        while stack:
            frame = stack[-1]
            frame[0](frame, _LEVELS)
        return self.built[0]

    def here(self) -> int | None:
        return self.stack[-1][1] if self.stack else None

    def fetch(self, ref: object, levels: int) -> Any:
        if ref.__class__ is int and -7 < ref < self.size:
            value = self.built[ref]
            if value is not MISSING:
                return value
        return self.resolve(ref, levels)

    def resolve(self, ref: object, levels: int) -> Any:
        """The value of a reference that the fast lookup missed, or `PENDING` when a
        frame was pushed to build it (the caller suspends and later retries)."""
        index = ref if ref.__class__ is int else as_int(ref)
        if index is not None and 0 <= index < self.size:
            value = self.built[index]
            if value is not MISSING:
                return value
            if index in self.pending:
                raise ParseError(
                    f"Invalid circular reference: slot {index} refers back to itself before "
                    "its value could be built",
                    slot=index,
                )
            return self.start(index, levels)
        if index is None:
            raise invalid(f"a reference must be a slot number, not {show(ref)}", self.here())
        if index >= self.size:
            raise invalid(
                f"reference {index} is out of range: the input has {self.size} slots", self.here()
            )
        if index > -7 and self.built[index] is not MISSING:
            return self.built[index]
        raise invalid(
            f"{index} is not a reference (-1 and -3 to -6 are the sentinels; -2, a hole, is "
            "valid only in an array)",
            self.here(),
        )

    def start(self, index: int, levels: int) -> Any:
        """Build slot *index*: its value, or `PENDING` after pushing frames for it."""
        slot = self.values[index]
        if slot.__class__ is dict:
            if "__proto__" in slot:
                raise ParseError("Cannot parse an object with a `__proto__` property", slot=index)
            return self.fill(index, {}, slot.items(), levels)
        if slot.__class__ is not list:
            raise invalid(f"slot {index} is not JSON: {show(slot)}", index)
        if not slot:
            empty: list[Any] = []
            self.built[index] = empty
            return empty
        head = slot[0]
        if head.__class__ is str:
            return self.start_tagged(index, slot, head, levels)
        if head == -7 and is_number(head):
            return self.start_sparse(index, slot, levels)
        if self.bulk_records and len(slot) >= RECORDS_MIN:
            records = read_records(self.values, self.built, index, slot, self.json_typed)
            if records is not None:
                return records
        return self.fill(index, [HOLE] * len(slot), enumerate(slot), levels)

    def fill(self, index: int, obj: Any, pairs: Iterable[tuple[Any, Any]], levels: int) -> Any:
        """Record the dict or list *obj* for slot *index*, then fill it from its (key,
        reference) *pairs* here while its children are quick to build: primitives,
        values built already, and up to *levels* of nested dicts and lists. The first
        child that needs more gets the rest a frame, beneath the frames of that child."""
        built, size, stack = self.built, self.size, self.stack
        built[index] = obj
        rest = iter(pairs)
        if not levels:
            stack.append([self.run_fill, index, list(rest), obj, 0])
            return PENDING
        for key, ref in rest:
            if ref.__class__ is not int or not -7 < ref < size:
                break
            value = built[ref]
            if value is MISSING:
                if ref < 0 or ref in self.pending:
                    break
                depth = len(stack)
                value = self.start(ref, levels - 1)
                if value is PENDING:
                    stack.insert(depth, [self.run_fill, index, [(key, ref), *rest], obj, 0])
                    return PENDING
            obj[key] = value
        else:
            return obj
        frame = [self.run_fill, index, [(key, ref), *rest], obj, 0]
        stack.append(frame)
        return obj if self.run_fill(frame, levels - 1) else PENDING

    def start_sparse(self, index: int, slot: list[Any], levels: int) -> Any:
        length = as_int(slot[1]) if len(slot) > 1 else None
        if length is None or not 0 <= length <= _MAX_ARRAY_LENGTH:
            shown = show(slot[1]) if len(slot) > 1 else "nothing"
            raise invalid(f"a sparse array's length must be an integer, not {shown}", index)
        if len(slot) % 2:
            raise invalid("a sparse array has an index without a reference", index)
        pairs: list[tuple[int, Any]] = []
        for position in range(2, len(slot), 2):
            at = as_int(slot[position])
            if at is None or not 0 <= at < length:
                shown = show(slot[position])
                raise invalid(f"sparse array index {shown} is not in 0..{length - 1}", index)
            pairs.append((at, slot[position + 1]))
        if length > self.sparse_left:
            raise invalid(
                f"sparse arrays would hold more than max_sparse_length elements (slot {index} "
                f"alone has length {length})",
                index,
            )
        self.sparse_left -= length
        return self.fill(index, [HOLE] * length, pairs, levels)

    def start_tagged(self, index: int, slot: list[Any], tag: str, levels: int) -> Any:
        reviver = self.revivers.get(tag) if self.revivers else None
        if reviver is not None:
            payload = slot[1] if len(slot) > 1 else UNDEFINED
            if is_number(payload):
                return self.defer(index, [payload], lambda done: reviver(done[0]), levels)
            value = reviver(payload)  # an inline payload (a Date's text…) is passed as is
        else:
            builder = builder_for(tag)
            if builder is None:
                raise ParseError(f"Unknown type {tag}", slot=index)
            value = builder(self, index, slot, levels)
            if value is PENDING:
                return value
        self.built[index] = value
        return value

    def open(self, frame: Frame, levels: int) -> Any:
        """Record a container (``frame[3]``) before its children and push its frame; with
        *levels* left, run it at once, so that a small container costs no trip through
        the main loop."""
        self.built[frame[1]] = frame[3]
        self.stack.append(frame)
        if levels and frame[0](frame, levels - 1):
            return frame[3]
        return PENDING

    def defer(
        self, index: int, refs: list[Any], build: Callable[[list[Any]], Any], levels: int
    ) -> Any:
        """Push a frame that resolves *refs*, then records ``build(values)``."""
        self.pending.add(index)
        frame = [self.run_deferred, index, refs, [], build]
        self.stack.append(frame)
        if levels and self.run_deferred(frame, levels - 1):
            return self.built[index]
        return PENDING

    # Runners: each resumes its frame where it stopped; True once done and popped.

    def run_fill(self, frame: Frame, levels: int) -> bool:
        """Lists, dicts and sparse arrays: (key, reference) pairs."""
        items, obj, built, size = frame[2], frame[3], self.built, self.size
        for position in range(frame[4], len(items)):
            key, ref = items[position]
            if ref.__class__ is not int or not -7 < ref < size or (value := built[ref]) is MISSING:
                if ref == -2 and obj.__class__ is list:
                    continue  # a hole: the list was filled with HOLE
                value = self.resolve(ref, levels)
                if value is PENDING:
                    frame[4] = position
                    return False
            obj[key] = value
        self.stack.pop()
        return True

    def run_pairs(self, frame: Frame, levels: int) -> bool:
        """Maps and null-prototype objects: key, reference, key, reference… A Map's keys
        are references too."""
        slot, obj, position, keys_are_refs = frame[2], frame[3], frame[4], frame[5]
        while position < len(slot):
            key = slot[position]
            if keys_are_refs:
                key = self.fetch(key, levels)
                if key is PENDING:
                    break
            value = self.fetch(slot[position + 1], levels)
            if value is PENDING:
                break
            obj[key] = value
            position += 2
        else:
            self.stack.pop()
            return True
        frame[4] = position
        return False

    def run_set(self, frame: Frame, levels: int) -> bool:
        slot, members = frame[2], frame[3]
        for position in range(frame[4], len(slot)):
            member = self.fetch(slot[position], levels)
            if member is PENDING:
                frame[4] = position
                return False
            members.add(member)
        self.stack.pop()
        return True

    def run_deferred(self, frame: Frame, levels: int) -> bool:
        refs, done = frame[2], frame[3]
        while len(done) < len(refs):
            value = self.fetch(refs[len(done)], levels)
            if value is PENDING:
                return False
            done.append(value)
        self.stack.pop()
        index = frame[1]
        value = frame[4](done)
        self.pending.discard(index)
        self.built[index] = value
        return True


def unflatten(
    values: Any,
    revivers: Revivers | None = None,
    *,
    max_sparse_length: int = DEFAULT_MAX_SPARSE_LENGTH,
) -> Any:
    """Rebuild a value from devalue's slot table that has already been JSON-decoded
    (``devalue.unflatten``). See `parse`."""
    return _unflatten(values, revivers, max_sparse_length, json_checked=False)


def _unflatten(
    values: Any, revivers: Revivers | None, max_sparse_length: int, *, json_checked: bool
) -> Any:
    kind = type(values)
    if kind is int or kind is float:
        if values in SENTINEL_VALUES:
            return SENTINEL_VALUES[values]
        raise invalid(
            f"a bare number must be a sentinel (-1, -3, -4, -5 or -6), not {show(values)}", None
        )
    if kind is not list or not values:
        raise invalid(f"expected a non-empty JSON array of slots, not {show(values)}", None)
    return Unflattener(values, revivers, max_sparse_length, json_checked=json_checked).run()


def parse(
    text: str | bytes | bytearray,
    revivers: Revivers | None = None,
    *,
    max_length: int = DEFAULT_MAX_LENGTH,
    max_sparse_length: int = DEFAULT_MAX_SPARSE_LENGTH,
) -> Any:
    """Rebuild a value from devalue text, as ``devalue.parse`` would.

    *revivers* maps a type name to a function receiving the payload of a
    ``["Name", payload]`` slot; it takes precedence over a built-in type of the same name.

    Raises `ParseError` (a `ValueError`) for text longer than *max_length* characters, for
    text that is not JSON or not devalue's format, and when sparse arrays would add up to
    more than *max_sparse_length* elements. Exceptions raised by revivers propagate as is.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"Invalid input: not UTF-8 ({exc})") from None
    elif not isinstance(text, str):
        raise TypeError(f"parse() takes str or bytes, not {type(text).__name__}")
    if len(text) > max_length:
        raise ParseError(
            f"Invalid input: {len(text)} characters is more than max_length={max_length}"
        )
    try:
        values = _DECODER.decode(text)
    except RecursionError:
        raise ParseError("Invalid input: the JSON is nested far too deeply") from None
    except ValueError as exc:
        raise ParseError(f"Invalid input: not valid JSON ({exc})") from None
    if values.__class__ is list and values:
        flat = _flat_object(values)
        if flat is not None:
            return flat
    return _unflatten(values, revivers, max_sparse_length, json_checked=True)


def _flat_object(values: list[Any]) -> dict[str, Any] | None:
    """The value of decoded text that is one object of primitives and lists of primitives
    (what an action most often returns: a form's values, a flag or two, a list of tags),
    built in one loop; None for any other text, which the general path builds, and
    reports on, as usual. Slots no key refers to are left alone, as the general path
    leaves them."""
    root = values[0]
    if root.__class__ is not dict or "__proto__" in root:
        return None
    size = len(values)
    obj: dict[str, Any] = {}
    lists: dict[int, list[Any]] = {}  # a list referred to twice is one list
    for key, ref in root.items():
        if ref.__class__ is not int or not 0 < ref < size:
            return None  # a sentinel, a hole, a bad reference: the general path's case
        value = values[ref]
        if value.__class__ is list:
            built = lists.get(ref)
            if built is None:
                built = _primitive_list(values, value, size)
                if built is None:
                    return None
                lists[ref] = built
            value = built
        else:
            value = _primitive(value)
            if value is _NOT_PRIMITIVE:
                return None
        obj[key] = value
    return obj


def _primitive_list(values: list[Any], slot: list[Any], size: int) -> list[Any] | None:
    if slot and slot[0].__class__ is str:
        return None  # a tagged value: ["Date", ...]
    items: list[Any] = []
    for ref in slot:
        if ref.__class__ is not int or not 0 < ref < size:
            return None
        item = _primitive(values[ref])
        if item is _NOT_PRIMITIVE:
            return None
        items.append(item)
    return items


def _primitive(value: Any) -> Any:
    kind = value.__class__
    if kind is int or kind is float:
        return number(value)
    if kind is str or kind is bool or value is None:
        return value
    return _NOT_PRIMITIVE


_NOT_PRIMITIVE: Final = object()
