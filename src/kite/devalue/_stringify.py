"""`stringify`: Python value -> devalue text.

The walk is devalue's depth-first pre-order numbering, done with an explicit stack of
frames (see `_frames`) so that depth costs memory, not Python recursion. A frame resumes
where it stopped once the child it descended into is finished.

The walk fills a *table* with each slot as plain JSON data — a string, an int, a dict of
references, ``["Date", "…"]`` — and the C `json` encoder writes the whole table at once.
devalue's extra string escapes are then applied to the output in one pass
(`finish_output`). Only a float JavaScript writes differently from Python (``1e-7``, not
``1e-07``) needs its text spliced in by hand.
"""

from __future__ import annotations

import inspect
import json
import json.encoder
from collections.abc import Callable, Iterator, Mapping
from itertools import chain
from math import copysign, inf
from typing import Any, Final

from ._collections import normalize_key
from ._encoders import ENCODERS, PUSHED, SYMBOL, Encoder
from ._errors import DevalueError
from ._fast_stringify import NotPlainJson, stringify_plain_json
from ._frames import (
    AUX,
    HOLEY,
    INDEX,
    IT,
    KIND,
    LEAF_LEVELS,
    LIST,
    MAP,
    NULL,
    OBJECT,
    PROTO,
    REFS,
    SHAPE_MAP,
    SHAPE_PLAIN,
    SHAPE_SYMBOLS,
    SHAPES,
    SPARSE,
    SRC,
    VALUE,
    cached_shape,
    plain_keys,
    segment,
    slot_of,
)
from ._text import MAX_SAFE_INTEGER, finish_output, format_float
from ._types import HOLE, UNDEFINED, BigInt, Symbol

__all__ = ["DEFAULT_MAX_DEPTH", "Flattener", "Reducers", "stringify"]

Reducers = Mapping[str, Callable[[Any], object]]

DEFAULT_MAX_DEPTH: Final = 1000
"""Node 20's devalue.parse overflows its call stack a little past 2,000 levels of
nesting; stay well inside what any browser can read back."""

FUNCTION: Final = "Cannot stringify a function"
NON_POJO: Final = "Cannot stringify arbitrary non-POJOs"
SYMBOL_KEYS: Final = "Cannot stringify POJOs with symbolic keys"
PROTO_KEY: Final = "Cannot stringify objects with __proto__ keys"
THENABLE: Final = "Cannot stringify a Promise or thenable \u2014 use stringifyAsync instead"
HOLE_OUTSIDE_ARRAY: Final = (
    "HOLE marks an absent array index, so it can only be an element of a list or tuple"
)

_SENTINELS: Final = {inf: -4, -inf: -5}

_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _make_encoder is not None:
    # The C encoder itself, made once: json.dumps would build it on every call.
    _c_encode = _make_encoder(None, None, json.encoder.encode_basestring, None, ":", ",", 0, 0, 1)

    def _encode(table: list[Any]) -> str:
        return "".join(_c_encode(table, 0))

else:  # pragma: no cover - only without CPython's _json accelerator
    _json_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

    def _encode(table: list[Any]) -> str:
        return _json_encoder.encode(table)


def _js_truthy(value: object) -> bool:
    # JavaScript truthiness: empty lists and dicts are objects, hence truthy.
    if value is None or value is False or value is UNDEFINED:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):
        return value == value and value != 0
    return True


class Flattener:
    """One `stringify` call: the slot table being filled and the stack of frames."""

    __slots__ = (
        "bigints",
        "claim",
        "consts",
        "keep",
        "leaf_depth",
        "max_depth",
        "numbers",
        "objects",
        "raw",
        "reducers",
        "stack",
        "strings",
        "table",
    )

    def __init__(self, reducers: Reducers | None, max_depth: int) -> None:
        self.table: list[Any] = []
        # Slots whose text json cannot write (a few floats), by slot number.
        self.raw: dict[int, str] = {}
        # Primitives are deduplicated by value, one table per JavaScript type, so that
        # True, 1 and "1" stay apart while 1 and 1.0 (one JavaScript number) share a slot.
        self.strings: dict[str, int] = {}
        self.numbers: dict[int | float, int] = {}
        self.bigints: dict[int, int] = {}
        self.consts: dict[object, int] = {}
        self.objects: dict[int, int] = {}
        # Objects this walk created (reducer payloads, buffers for bytes) are memoised by
        # id, so they must outlive the walk or a later object could reuse their id.
        self.keep: list[object] = []
        self.stack: list[list[Any]] = []
        self.reducers = tuple((reducers or {}).items())
        self.claim: tuple[int, str, object] | None = None
        self.max_depth = max_depth
        # Below this stack depth, `leaf` cannot take nesting past max_depth unnoticed.
        self.leaf_depth = max_depth - LEAF_LEVELS - 1

    def flatten(self, root: object) -> str:
        try:
            ref = self.start(root)
            if self.stack:
                if self.reducers:
                    self.run_general()
                else:
                    self.run_plain()
        except DevalueError as error:
            error.root = root
            raise
        if not self.table:
            return str(ref)  # a bare sentinel: undefined, NaN, ±Infinity or -0
        return finish_output(self.dump())

    def start(self, root: object) -> int:
        """Give the root its slot, taking the fast path for a list or plain dict."""
        cls = root.__class__
        keys = plain_keys(root) if cls is dict else None  # type: ignore[arg-type]
        if self.reducers or not (cls is list or keys is not None) or self.leaf_depth < 1:
            return self.visit(root)
        self.objects[id(root)] = 0
        self.table.append(None)
        later = self.leaf(root, 0, keys, LEAF_LEVELS)  # type: ignore[arg-type]
        if later is not None:
            self.stack += later
        return 0

    def dump(self) -> str:
        table = self.table
        if not self.raw:
            return _encode(table)
        pieces: list[str] = []
        start = 0
        for index in sorted(self.raw):
            if index > start:
                pieces.append(_encode(table[start:index])[1:-1])
            pieces.append(self.raw[index])
            start = index + 1
        if start < len(table):
            pieces.append(_encode(table[start:])[1:-1])
        return "[" + ",".join(pieces) + "]"

    def fail(self, message: str, value: object, *, own: bool = False) -> DevalueError:
        """The error for *value*, located by the frames on the stack. With *own*, the
        value is the top frame's container itself rather than its current child."""
        frames = self.stack[:-1] if own else self.stack
        last = len(self.stack) - 1
        path = "".join(segment(frame, i == last) for i, frame in enumerate(frames))
        return DevalueError(message, path=path, value=value)

    def number_slot(self, value: float, index: int) -> Any:
        """The slot of a finite float other than -0.0 (JSON writes most as JavaScript
        does; integral ones become ints, and tiny ones are spliced in as text)."""
        if abs(value) >= 1e-4 and not value.is_integer():
            return value
        if value.is_integer():
            return value if abs(value) >= 1e21 else int(format_float(value))
        self.raw[index] = format_float(value)
        return None

    def run_plain(self) -> None:
        """The main loop when there are no reducers."""
        stack = self.stack
        while stack:
            frame = stack[-1]
            if frame[KIND] == SPARSE:
                self.step_sparse(frame)
            else:
                self.fill(frame)

    def fill(self, frame: list[Any]) -> bool:
        """Write *frame*'s children, JSON-like ones inline, until the frame is done (True:
        its slot written, the frame popped) or a child frame was pushed (False)."""
        stack, table, add_slot = self.stack, self.table, self.table.append
        strings, numbers, objects, consts = self.strings, self.numbers, self.objects, self.consts
        low, high = -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER
        append = frame[REFS].append
        for value in frame[IT]:
            cls = value.__class__
            if cls is str:
                ref = strings.get(value)
                if ref is None:
                    ref = strings[value] = len(table)
                    add_slot(value)
            elif cls is int and low <= value <= high:
                ref = numbers.get(value)
                if ref is None:
                    ref = numbers[value] = len(table)
                    add_slot(value)
            elif cls is dict or cls is list:
                ref = objects.get(id(value))
                if ref is None:
                    ref = objects[id(value)] = len(table)
                    add_slot(None)
                    keys = None if cls is list else plain_keys(value)
                    if (cls is list or keys is not None) and len(stack) < self.leaf_depth:
                        later = self.leaf(value, ref, keys, LEAF_LEVELS)
                        append(ref)
                        if later is None:
                            continue
                        stack += later
                        return False
                    self.open(value, ref)  # errors here concern the child: no ref yet
                    append(ref)
                    return False
            elif cls is float and -inf < value < inf and (value or copysign(1, value) > 0):
                ref = numbers.get(value)
                if ref is None:
                    ref = numbers[value] = len(table)
                    plain = abs(value) >= 1e-4 and not value.is_integer()
                    add_slot(value if plain else self.number_slot(value, ref))
            elif value is None or cls is bool:
                ref = consts.get(value)
                if ref is None:
                    ref = consts[value] = len(table)
                    add_slot(value)
            elif value is HOLE:
                ref = self.hole(frame)
                if ref is None:
                    return False
            else:
                ref = self.visit(value)
                if stack[-1] is not frame:
                    append(ref)
                    return False
            append(ref)
        self.finish(frame)
        return True

    def leaf(
        self, value: dict[str, Any] | list[Any], index: int, keys: Any, levels: int
    ) -> list[list[Any]] | None:
        """Write a list, or a plain dict with these *keys*, straight into its slot, with
        JSON primitives inline and up to *levels* of nested lists and plain dicts alike:
        that spares them frames. Returns None when done, or else the frames that carry on
        the work, outermost first, for the caller to push."""
        table, add_slot, numbers = self.table, self.table.append, self.numbers
        strings, consts, objects = self.strings, self.consts, self.objects
        slot: Any = {} if keys is not None else [0] * len(value)
        pairs: Iterator[tuple[Any, Any]]
        pairs = iter(value.items()) if isinstance(value, dict) else enumerate(value)
        rest: Iterator[Any]
        key: Any
        for key, item in pairs:
            cls = item.__class__
            if cls is str:
                ref = strings.get(item)
                if ref is None:
                    ref = strings[item] = len(table)
                    add_slot(item)
            elif cls is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                ref = numbers.get(item)
                if ref is None:
                    ref = numbers[item] = len(table)
                    add_slot(item)
            elif cls is float and -inf < item < inf and (item or copysign(1, item) > 0):
                ref = numbers.get(item)
                if ref is None:
                    ref = numbers[item] = len(table)
                    plain = abs(item) >= 1e-4 and not item.is_integer()
                    add_slot(item if plain else self.number_slot(item, ref))
            elif item is None or cls is bool:
                ref = consts.get(item)
                if ref is None:
                    ref = consts[item] = len(table)
                    add_slot(item)
            elif (cls is dict or cls is list) and (ref := objects.get(id(item))) is not None:
                pass  # written already: a shared or cyclic reference
            else:
                inner = None
                if cls is dict:
                    inner = tuple(item)
                    shape = SHAPES.get(inner)
                    if shape is None or shape[0] != SHAPE_PLAIN:
                        inner = None
                if not levels or (cls is not list and inner is None):
                    rest = chain([item], (later for _, later in pairs))
                    done = key if keys is None else 0
                    return [self.spilled(value, index, keys, slot, done, rest)]
                ref = slot[key] = objects[id(item)] = len(table)
                add_slot(None)
                later = self.leaf(item, ref, inner, levels - 1)
                if later is not None:
                    rest = (after for _, after in pairs)
                    done = key + 1 if keys is None else 0
                    return [self.spilled(value, index, keys, slot, done, rest), *later]
                continue
            slot[key] = ref
        table[index] = slot
        return None

    def spilled(
        self, value: Any, index: int, keys: Any, slot: Any, done: int, rest: Iterator[Any]
    ) -> list[Any]:
        """The frame of a `leaf` container that stopped early, with its refs so far (the
        first *done* items of a list)."""
        if keys is None:
            return [LIST, rest, slot[:done], index, value, None, value]
        return [OBJECT, rest, list(slot.values()), index, keys, None, value]

    def open(self, value: dict[Any, Any] | list[Any], index: int) -> list[Any]:
        """Push the frame of a dict or list met on the fast path, and return it."""
        stack = self.stack
        if len(stack) >= self.max_depth:
            self.push([LIST, None, None, index, None, None, value])  # raises
        if isinstance(value, list):
            frame = [LIST, iter(value), [], index, value, None, value]
        else:
            keys = tuple(value)
            shape = SHAPES.get(keys)
            if shape is None or shape[0] != SHAPE_PLAIN:
                self.push_dict(value, index)
                return stack[-1]
            frame = [OBJECT, iter(value.values()), [], index, keys, None, value]
        stack.append(frame)
        return frame

    def run_general(self) -> None:
        """The loop when reducers are given: every value must be offered to them first."""
        stack, visit = self.stack, self.visit
        frame = stack[-1]
        while True:
            if frame[KIND] == SPARSE:
                self.step_sparse(frame)
            else:
                append = frame[REFS].append
                for value in frame[IT]:
                    if value is HOLE:
                        ref = self.hole(frame)
                        if ref is None:
                            break
                    else:
                        ref = visit(value)
                    append(ref)
                    if stack[-1] is not frame:
                        break
                else:
                    self.finish(frame)
            if not stack:
                return
            frame = stack[-1]

    def step_sparse(self, frame: list[Any]) -> None:
        stack, refs = self.stack, frame[REFS]
        for i, value in frame[IT]:
            if value is HOLE:
                continue
            frame[AUX] = i
            refs += (i, self.visit(value))
            if stack[-1] is not frame:
                return
        self.finish(frame)

    def finish(self, frame: list[Any]) -> None:
        if frame[KIND] == PROTO:
            raise self.fail(PROTO_KEY, frame[VALUE], own=True)
        self.table[frame[INDEX]] = slot_of(frame)
        self.stack.pop()

    def hole(self, frame: list[Any]) -> int | None:
        """The ref for a HOLE met in *frame*; None when the frame just switched to the
        sparse form and must be resumed as such."""
        kind = frame[KIND]
        if kind == HOLEY:
            return -2
        if kind != LIST:
            raise self.fail(HOLE_OUTSIDE_ARRAY, HOLE)
        # devalue picks the form at the first hole, comparing the text each would take.
        source = frame[SRC]
        length = len(source)
        missing = sum(1 for item in source if item is HOLE)
        digits = len(str(length))
        if 3 * missing <= 4 + digits + (length - missing) * (digits + 1):
            frame[KIND] = HOLEY
            return -2
        done = frame[REFS]
        refs = [-7, length]
        for i, ref in enumerate(done):
            refs += (i, ref)
        frame[KIND], frame[REFS], frame[AUX] = SPARSE, refs, len(done)
        frame[IT] = enumerate(frame[IT], len(done) + 1)
        return None

    def push(self, frame: list[Any]) -> None:
        if len(self.stack) >= self.max_depth:
            raise self.fail(
                f"Cannot stringify a value nested more than {self.max_depth} levels deep: "
                "devalue.parse in the browser would run out of call stack (raise max_depth "
                "to allow it)",
                frame[VALUE],
            )
        self.stack.append(frame)

    def push_dict(self, value: dict[Any, Any], index: int, *, null: bool = False) -> None:
        kind, keys, proto_at = cached_shape(tuple(value))
        if kind == SHAPE_SYMBOLS:
            raise self.fail(SYMBOL_KEYS, value)
        if kind == SHAPE_MAP:
            if null:
                raise self.fail("NullProtoObject keys must all be str", value)
            self.push_entries(list(value.items()), index, value)
            return
        if "then" in value and callable(value["then"]):
            raise self.fail(THENABLE, value)
        values: Iterator[Any] = iter([value[key] for key in keys])
        frame_kind = NULL if null else OBJECT
        if proto_at >= 0:
            # Keys before __proto__ are still visited, as devalue checks while iterating.
            frame_kind, values = PROTO, iter([next(values) for _ in range(proto_at)])
        self.push([frame_kind, values, [], index, keys, None, value])

    def push_entries(self, entries: list[tuple[Any, Any]], index: int, value: object) -> None:
        keys = [normalize_key(key) for key, _ in entries]
        flat = [item for key, (_, val) in zip(keys, entries, strict=True) for item in (key, val)]
        self.push([MAP, iter(flat), [], index, keys, None, value])

    def visit(self, value: object) -> int:
        """Give *value* a slot (or find its slot or sentinel) and return the reference;
        pushes a frame when *value* is a container."""
        ref = self.reserve(value)
        chain = 0
        while self.claim is not None:
            index, name, payload = self.claim
            self.claim = None
            self.keep.append(payload)
            chain += 1
            if chain + len(self.stack) > self.max_depth:
                raise self.fail(
                    f"Cannot stringify: reducers claimed each other's output {chain} times in "
                    "a row (does a reducer claim its own payload?)",
                    payload,
                )
            self.table[index] = [name, self.reserve(payload)]
        return ref

    def reserve(self, value: object) -> int:
        kind = type(value)
        if isinstance(value, float):
            if value != value:
                return -3
            if value in _SENTINELS:
                return _SENTINELS[value]
            if value == 0 and copysign(1, value) < 0:
                return -6
        elif value is UNDEFINED:
            return -1
        elif value is HOLE:
            raise self.fail(HOLE_OUTSIDE_ARRAY, value)
        memo, key = self.memo_for(value, kind)
        ref = memo.get(key)
        if ref is not None:
            return ref
        ref = memo[key] = len(self.table)
        self.table.append(None)
        if self.reducers:
            for name, reducer in self.reducers:
                payload = reducer(value)
                if _js_truthy(payload):
                    self.claim = (ref, name, payload)
                    return ref
        encoder = ENCODERS.get(kind) or self.classify(value)
        slot = encoder(self, value, ref)
        if slot is not PUSHED:
            self.table[ref] = slot
        return ref

    def memo_for(self, value: object, kind: type) -> tuple[dict[Any, int], object]:
        if kind is str:
            return self.strings, value
        if value is None or kind is bool:
            return self.consts, value
        if isinstance(value, str):
            return self.strings, str.__str__(value)
        if isinstance(value, int):
            if isinstance(value, BigInt) or not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
                return self.bigints, int(value)
            return self.numbers, int(value)
        if isinstance(value, float):
            return self.numbers, float(value)
        return self.objects, id(value)

    def classify(self, value: object) -> Encoder:
        """The encoder for a value whose exact type has none, in devalue's check order."""
        if callable(value):
            raise self.fail(FUNCTION, value)
        if isinstance(value, Symbol):
            raise self.fail(SYMBOL, value)
        if inspect.isawaitable(value) or callable(getattr(value, "then", None)):
            raise self.fail(THENABLE, value)
        for base in type(value).__mro__[1:]:
            encoder = ENCODERS.get(base)
            if encoder is not None:
                return encoder
        raise self.fail(NON_POJO, value)


def stringify(
    value: object, reducers: Reducers | None = None, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> str:
    """Serialise *value* to devalue's format, as ``devalue.stringify`` would.

    *reducers* maps a type name to a function that returns a truthy payload for the
    values it claims (and a falsy one, such as None or False, for the rest); a claimed
    value is written as ``["Name", payload]``. Reducers are tried in order on every value
    that is not a sentinel, before any built-in handling.

    *max_depth* caps the nesting of containers (default 1000), because the JavaScript
    reader is recursive.

    Raises `DevalueError` (a `TypeError`) for a value it cannot write; its ``path`` says
    where the value sits, as in ``.user.tags[2]``.
    """
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise ValueError(f"max_depth must be a positive int, not {max_depth!r}")
    if not reducers and (value.__class__ is dict or value.__class__ is list):
        try:
            return stringify_plain_json(value, max_depth)
        except NotPlainJson:
            pass  # a type or shape only the general walk writes: it starts over
    return Flattener(reducers, max_depth).flatten(value)
