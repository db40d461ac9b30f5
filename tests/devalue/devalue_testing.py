"""Shared helpers for the kite.devalue tests.

- `VECTORS`: the conformance vectors (a copy of shared/devalue/vectors.json).
- `from_description`: turn a vector's value notation ({"$map": …}, {"$ref": …}) into the
  Python value Kite stringifies (``mode="stringify"``) or expects back from parse
  (``mode="parse"``, where custom types come back as `Revived`).
- `assert_same`: structural comparison of an original value with what parse returned,
  including NaN, -0.0, the JavaScript type mapping and shared/cyclic identity.
"""

from __future__ import annotations

import array
import base64
import json
import math
import re
import weakref
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kite.devalue import (
    HOLE,
    UNDEFINED,
    URL,
    ArrayBuffer,
    BigInt,
    Boxed,
    DataView,
    Date,
    Map,
    NullProtoObject,
    RegExp,
    Set,
    Symbol,
    Temporal,
    TypedArray,
    URLSearchParams,
)

VECTORS_FILE = Path(__file__).with_name("vectors.json")
VECTORS: dict[str, Any] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
MAX_SAFE = 2**53 - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- custom types of the vectors (see "custom_types" in vectors.json) -----------------


@dataclass
class Vector:
    x: Any
    y: Any


@dataclass
class Money:
    amount: Any
    currency: Any


@dataclass
class Tag:
    name: Any


@dataclass
class Node:
    label: Any
    next: Any


@dataclass
class Revived:
    """What the test revivers return: the type name and the payload they received."""

    name: str
    payload: Any


def epoch_ms(value: datetime) -> int:
    return (value - EPOCH) // timedelta(milliseconds=1)


def make_function(name: str, ident: object = None) -> Callable[[], None]:
    def function() -> None:
        return None

    function.__name__ = name
    if ident is not None:
        function.id = ident  # type: ignore[attr-defined]
    return function


REDUCERS: dict[str, Callable[[Any], object]] = {
    "Vector": lambda v: isinstance(v, Vector) and [v.x, v.y],
    "Money": lambda v: isinstance(v, Money) and {"amount": v.amount, "currency": v.currency},
    "Tag": lambda v: isinstance(v, Tag) and v.name,
    "Node": lambda v: isinstance(v, Node) and [v.label, v.next],
    "Epoch": lambda v: isinstance(v, datetime) and epoch_ms(v),
    "Fn": lambda v: callable(v) and getattr(v, "id", None),
    "First": lambda v: isinstance(v, Vector) and "first",
    "Second": lambda v: isinstance(v, Vector) and "second",
}


REVIVERS: dict[str, Callable[[Any], object]] = {
    "Vector": lambda p: Vector(*p),
    "Money": lambda p: Money(**p),
    "Tag": Tag,
    "Node": lambda p: Node(*p),
    "Epoch": lambda p: EPOCH + timedelta(milliseconds=p),
    "Fn": lambda p: make_function("fn", p),
    "First": lambda p: Vector(None, None),
    "Second": lambda p: Vector(None, None),
}


def reducers_for(names: list[str]) -> dict[str, Callable[[Any], object]]:
    return {name: REDUCERS[name] for name in names}


def revivers_for(names: list[str]) -> dict[str, Callable[[Any], object]]:
    return {name: (lambda payload, name=name: Revived(name, payload)) for name in names}


def _custom_instance(name: str, payload: Any) -> object:
    if name == "Vector":
        return Vector(*payload)
    if name == "Money":
        return Money(**payload)
    if name == "Tag":
        return Tag(payload)
    if name == "Node":
        return Node(*payload)
    if name == "Epoch":
        return EPOCH + timedelta(milliseconds=payload)
    if name == "Fn":
        return make_function("fn", payload)
    return Vector(None, None)  # First / Second claim any Vector


# --- the value notation ----------------------------------------------------------------


def number(value: int | float) -> int | float:
    """A JSON number of the notation: a JavaScript double."""
    if isinstance(value, int) and not -MAX_SAFE <= value <= MAX_SAFE:
        return float(value)
    return value


def date_from_iso(text: str | None) -> datetime | Date:
    """A Date description, computed independently of kite.devalue's own date code."""
    if text is None:
        return Date(None)
    match = re.fullmatch(r"([+-]\d{6}|\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z", text)
    assert match, text
    year = int(match.group(1))
    rest = [int(part) for part in match.groups()[1:]]
    if 1 <= year <= 9999:
        return datetime(year, *rest[:5], rest[5] * 1000, tzinfo=UTC)
    # Shift into datetime's range by whole 400-year cycles (146097 days each).
    cycles = (2000 - year) // 400 + 1
    shifted = datetime(year + 400 * cycles, *rest[:5], rest[5] * 1000, tzinfo=UTC)
    return Date(epoch_ms(shifted) - cycles * 146_097 * 86_400_000)


class Awaitable:
    def __await__(self) -> Generator[None, None, None]:
        yield


def _pointer(base: str, key: object) -> str:
    return base + "/" + str(key).replace("~", "~0").replace("/", "~1")


class _Builder:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.registry: dict[str, Any] = {}

    def build(self, node: Any, ptr: str) -> Any:
        if node is None or isinstance(node, bool | str):
            return node
        if isinstance(node, int | float):
            return number(node)
        if isinstance(node, list):
            out: list[Any] = []
            self.registry[ptr] = out
            for i, item in enumerate(node):
                out.append(HOLE if item == {"$hole": True} else self.build(item, _pointer(ptr, i)))
            return out
        assert isinstance(node, dict)
        if not any(key.startswith("$") for key in node):
            obj: dict[str, Any] = {}
            self.registry[ptr] = obj
            for key, item in node.items():
                obj[key] = self.build(item, _pointer(ptr, key))
            return obj
        ((tag, payload),) = node.items()
        return self.tagged(tag, payload, ptr, _pointer(ptr, tag))

    def register(self, ptr: str, value: Any) -> Any:
        self.registry[ptr] = value
        return value

    def pairs_into(self, target: Any, payload: list[Any], sub: str) -> None:
        for i, (key, item) in enumerate(payload):
            k = self.build(key, _pointer(_pointer(sub, i), 0))
            target[k] = self.build(item, _pointer(_pointer(sub, i), 1))

    def tagged(self, tag: str, payload: Any, ptr: str, sub: str) -> Any:
        simple: dict[str, Callable[[Any], Any]] = {
            "$undefined": lambda _: UNDEFINED,
            "$nan": lambda _: math.nan,
            "$inf": lambda p: math.inf * p,
            "$negzero": lambda _: -0.0,
            "$bigint": lambda p: BigInt(int(p)),
            "$date": date_from_iso,
            "$regexp": lambda p: RegExp(*p),
            "$url": URL,
            "$urlsearchparams": URLSearchParams,
            "$arraybuffer": lambda p: ArrayBuffer(base64.b64decode(p)),
            "$temporal": lambda p: Temporal(*p),
            "$function": lambda p: type(p, (), {}) if p[:1].isupper() else make_function(p),
            "$symbol": Symbol,
            "$promise": lambda _: Awaitable(),
        }
        if tag == "$ref":
            return self.registry[payload]
        if tag in simple:
            return self.register(ptr, simple[tag](payload))
        if tag == "$boxed":
            return self.register(ptr, Boxed(self.build(payload, sub)))
        if tag in ("$object", "$nullproto", "$map"):
            target = {"$object": dict, "$nullproto": NullProtoObject, "$map": Map}[tag]()
            self.register(ptr, target)
            self.pairs_into(target, payload, sub)
            return target
        if tag == "$set":
            members: Set[Any] = self.register(ptr, Set())
            for i, item in enumerate(payload):
                members.add(self.build(item, _pointer(sub, i)))
            return members
        if tag == "$sparse":
            out = self.register(ptr, [HOLE] * payload["length"])
            for i, (index, item) in enumerate(payload["items"]):
                out[index] = self.build(item, _pointer(_pointer(_pointer(sub, "items"), i), 1))
            return out
        return self.tagged_special(tag, payload, ptr, sub)

    def tagged_special(self, tag: str, payload: Any, ptr: str, sub: str) -> Any:
        if tag in ("$typedarray", "$dataview"):
            buffer = self.build(payload["buffer"], _pointer(sub, "buffer"))
            if tag == "$dataview":
                view: Any = DataView(
                    buffer, payload.get("byteOffset", 0), payload.get("byteLength")
                )
            else:
                offset, length = payload.get("byteOffset", 0), payload.get("length")
                view = TypedArray(payload["type"], buffer, offset, length)
            return self.register(ptr, view)
        if tag == "$custom":
            name, inner = payload
            built = self.build(inner, _pointer(sub, 1))
            if self.mode == "parse":
                return self.register(ptr, Revived(name, built))
            return self.register(ptr, _custom_instance(name, built))
        if tag == "$instance":
            name, props = payload
            if name == "Error":
                return Exception()
            if name == "WeakMap":
                return weakref.WeakKeyDictionary()
            instance = type(name, (), {})()
            instance.__dict__.update(props)
            return instance
        if tag == "$symbolkeyed":
            obj = {key: self.build(item, "") for key, item in payload["entries"]}
            obj.update({Symbol(key): item for key, item in payload["symbols"]})
            return obj
        raise AssertionError(f"unknown tag {tag}")


def from_description(description: Any, mode: str = "stringify") -> Any:
    return _Builder(mode).build(description, "")


# --- comparison --------------------------------------------------------------------------


def _js_key(key: Any) -> Any:
    """A JavaScript Map or Set stores -0 as +0."""
    return 0.0 if isinstance(key, float) and key == 0 else key


def js_key_order(keys: list[str]) -> list[str]:
    def is_index(key: str) -> bool:
        return bool(re.fullmatch(r"0|[1-9][0-9]{0,9}", key)) and int(key) <= 4_294_967_294

    indices = sorted((key for key in keys if is_index(key)), key=int)
    return indices + [key for key in keys if not is_index(key)]


def _is_primitive(value: object) -> bool:
    return (
        value is None or value is UNDEFINED or value is HOLE or isinstance(value, str | int | float)
    )


class _Comparer:
    def __init__(self) -> None:
        self.forward: dict[int, Any] = {}
        self.backward: dict[int, Any] = {}
        self.keep: list[Any] = []

    def fail(self, path: str, message: str) -> None:
        raise AssertionError(f"at {path or '<root>'}: {message}")

    def same(self, expected: Any, actual: Any, path: str = "") -> None:
        if _is_primitive(expected):
            self.same_primitive(expected, actual, path)
            return
        if id(expected) in self.forward:
            if self.forward[id(expected)] is not actual:
                self.fail(path, "a shared/cyclic reference did not come back as the same object")
            return
        if id(actual) in self.backward and self.backward[id(actual)] is not expected:
            self.fail(path, "two distinct objects came back as one")
        self.forward[id(expected)] = actual
        self.backward[id(actual)] = expected
        self.keep += (expected, actual)
        self.same_object(expected, actual, path)

    def same_primitive(self, expected: Any, actual: Any, path: str) -> None:
        ok: bool
        if (
            expected is None
            or expected is UNDEFINED
            or expected is HOLE
            or isinstance(expected, bool)
        ):
            ok = actual is expected
        elif isinstance(expected, str):
            ok = type(actual) is str and actual == expected
        elif isinstance(expected, BigInt) or (
            isinstance(expected, int) and not -MAX_SAFE <= expected <= MAX_SAFE
        ):
            ok = type(actual) is BigInt and actual == expected
        elif isinstance(expected, int):
            ok = type(actual) is int and actual == expected
        elif math.isnan(expected):
            ok = type(actual) is float and math.isnan(actual)
        elif expected == 0 and math.copysign(1, expected) < 0:
            ok = type(actual) is float and actual == 0 and math.copysign(1, actual) < 0
        elif expected.is_integer() and abs(expected) <= MAX_SAFE:
            ok = type(actual) is int and actual == expected
        else:
            ok = type(actual) is float and actual == expected
        if not ok:
            self.fail(path, f"expected {expected!r}, got {actual!r}")

    def same_sequence(self, expected: list[Any], actual: list[Any], path: str) -> None:
        if len(expected) != len(actual):
            self.fail(path, f"expected {len(expected)} items, got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            self.same(e, a, f"{path}[{i}]")

    def same_object(self, expected: Any, actual: Any, path: str) -> None:
        def expect_type(kind: type) -> None:
            if type(actual) is not kind:
                self.fail(path, f"expected a {kind.__name__}, got {actual!r}")

        if isinstance(expected, list | tuple):
            expect_type(list)
            self.same_sequence(list(expected), actual, path)
        elif isinstance(expected, dict) and all(isinstance(k, str) for k in expected):
            expect_type(NullProtoObject if isinstance(expected, NullProtoObject) else dict)
            if list(actual) != js_key_order(list(expected)):
                self.fail(path, f"keys {list(actual)} are not {js_key_order(list(expected))}")
            for key in expected:
                self.same(expected[key], actual[key], f"{path}.{key}")
        elif isinstance(expected, dict | Map):
            expect_type(Map)
            entries = expected.entries() if isinstance(expected, Map) else list(expected.items())
            entries = [(_js_key(k), v) for k, v in entries]
            self.same_sequence(
                [item for pair in entries for item in pair],
                [item for pair in actual.entries() for item in pair],
                path,
            )
        elif isinstance(expected, set | frozenset | Set):
            expect_type(Set)
            self.same_sequence([_js_key(m) for m in expected], list(actual), path)
        else:
            self.same_leaf(expected, actual, path)

    def same_leaf(self, expected: Any, actual: Any, path: str) -> None:
        def expect_type(kind: type) -> None:
            if type(actual) is not kind:
                self.fail(path, f"expected a {kind.__name__}, got {actual!r}")

        if isinstance(expected, datetime):
            expect_type(datetime)
            truncated = expected - timedelta(microseconds=expected.microsecond % 1000)
            if actual != truncated or actual.utcoffset() != timedelta(0):
                self.fail(path, f"expected {truncated!r}, got {actual!r}")
        elif isinstance(expected, date):
            self.same_object(
                datetime(expected.year, expected.month, expected.day, tzinfo=UTC), actual, path
            )
        elif (
            isinstance(expected, Date)
            and expected.epoch_ms is not None
            and (-62135596800000 <= expected.epoch_ms <= 253402300799999)
        ):
            self.same_object(EPOCH + timedelta(milliseconds=expected.epoch_ms), actual, path)
        elif isinstance(expected, re.Pattern):
            self.same_object(RegExp.from_pattern(expected), actual, path)
        elif isinstance(expected, Boxed):
            expect_type(Boxed)
            self.same(expected.value, actual.value, path)
        elif isinstance(expected, bytes | bytearray | memoryview | array.array) and not isinstance(
            expected, ArrayBuffer
        ):
            expect_type(TypedArray)
            if bytes(actual) != bytes(expected) or not actual.covers_buffer:
                self.fail(path, f"expected the bytes {bytes(expected)!r}, got {actual!r}")
        elif isinstance(expected, TypedArray | DataView):
            expect_type(type(expected))
            if (getattr(expected, "kind", None), expected.byte_offset, bytes(expected)) != (
                getattr(actual, "kind", None),
                actual.byte_offset,
                bytes(actual),
            ):
                self.fail(path, f"expected {expected!r}, got {actual!r}")
            self.same(expected.buffer, actual.buffer, path + ".buffer")
        elif isinstance(expected, Revived | Vector | Money | Tag | Node):
            expect_type(type(expected))
            for field in expected.__dataclass_fields__:
                self.same(getattr(expected, field), getattr(actual, field), f"{path}.{field}")
        else:
            expect_type(type(expected))
            if actual != expected:
                self.fail(path, f"expected {expected!r}, got {actual!r}")


def assert_same(expected: Any, actual: Any) -> None:
    """Assert that *actual* (from parse) is what *expected* (given to stringify) becomes."""
    _Comparer().same(expected, actual)
