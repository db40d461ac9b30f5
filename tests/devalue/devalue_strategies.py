"""Hypothesis strategies for values kite.devalue can write (shared by the property,
fuzz and interop tests)."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

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
    Temporal,
    TypedArray,
    URLSearchParams,
)

_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_SPECIALS = "<>/\"\\'\u2028\u2029\x00\x1f\x7f\ufeff\ud800\udfffé😀"

# Text as JavaScript can hold it, lone surrogates included. A high surrogate followed by
# a low one is a single character to JavaScript, so generated text never has such a pair.
js_text = st.text(
    st.characters(exclude_categories=()) | st.sampled_from(_SPECIALS), max_size=12
).filter(lambda text: _PAIR.search(text) is None)
plain_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
keys = st.one_of(
    js_text,
    st.sampled_from(["0", "1", "10", "01", "-1", "1.5", "4294967294", "4294967295", "then"]),
).filter(lambda key: key != "__proto__")

numbers = st.one_of(
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    st.integers(),
    st.floats(),
    st.sampled_from([0.0, -0.0, 1e21, 1e-7, 5e-324, 2.0**53, 1.5e300, 123456789012345678901.0]),
)
hashable_primitives = st.one_of(
    st.none(), st.booleans(), js_text, st.integers(), st.floats(allow_nan=False)
)
primitives = st.one_of(
    st.none(),
    st.booleans(),
    st.just(UNDEFINED),
    js_text,
    numbers,
    st.integers().map(BigInt),
)

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
datetimes = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=offsets | st.just(UTC)
)
js_dates = st.one_of(
    st.just(Date(None)),
    st.integers(min_value=-8_640_000_000_000_000, max_value=-62_135_596_800_001).map(Date),
    st.integers(min_value=253_402_300_800_000, max_value=8_640_000_000_000_000).map(Date),
)
regexps = st.one_of(
    st.builds(
        RegExp,
        st.sampled_from(["", "a/b", "[/]", "\\d+", "^(a|b)*$", "<\\/script>", "\n", "x{2,3}?"]),
        st.sampled_from(["", "g", "gim", "dgimsuy", "v"]),
    ),
    st.sampled_from(["a+", "^x$", "(?:ab)+", "[a-z]"]).flatmap(
        lambda pattern: st.sampled_from([0, re.I, re.M | re.S]).map(
            lambda flags: re.compile(pattern, flags)
        )
    ),
)
buffers = st.binary(max_size=24).map(ArrayBuffer)


@st.composite
def typed_arrays(draw: st.DrawFn) -> TypedArray | DataView:
    kind = draw(
        st.sampled_from(
            ["Int8Array", "Uint8Array", "Uint16Array", "Int32Array", "Float64Array", "DataView"]
        )
    )
    size = {"Uint16Array": 2, "Int32Array": 4, "Float64Array": 8}.get(kind, 1)
    count = draw(st.integers(min_value=0, max_value=4))
    start = draw(st.integers(min_value=0, max_value=3))
    extra = draw(st.integers(min_value=0, max_value=2))
    needed = (start + count + extra) * size
    buffer = ArrayBuffer(draw(st.binary(min_size=needed, max_size=needed + 8)))
    while len(buffer) % size:
        buffer.append(0)
    if kind == "DataView":
        return DataView(buffer, start, count)
    return TypedArray(kind, buffer, start * size, count)


leaves = st.one_of(
    primitives,
    datetimes,
    st.dates(min_value=date(2, 1, 1)),
    js_dates,
    regexps,
    st.sampled_from([URL("https://example.com/"), URL("https://xn--r8jz45g.jp/a?b=%3C#c")]),
    st.lists(st.tuples(plain_text, plain_text), max_size=3).map(URLSearchParams),
    st.builds(Boxed, st.one_of(st.booleans(), js_text, numbers, st.integers().map(BigInt))),
    st.builds(Temporal, st.sampled_from(["PlainDate", "Duration"]), st.sampled_from(["P1D", "x"])),
    st.binary(max_size=8),
    st.binary(max_size=8).map(bytearray),
    buffers,
    typed_arrays(),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    with_holes = st.lists(children | st.just(HOLE), max_size=6)
    return st.one_of(
        with_holes,
        with_holes.map(tuple),
        st.dictionaries(keys, children, max_size=5),
        st.dictionaries(keys, children, max_size=4).map(NullProtoObject),
        st.dictionaries(hashable_primitives, children, max_size=4),
        st.lists(st.tuples(children, children), max_size=4).map(Map),
        st.lists(children, max_size=4).map(Set),
        st.sets(hashable_primitives, max_size=4),
        st.frozensets(hashable_primitives, max_size=4),
    )


trees = st.recursive(leaves, _containers, max_leaves=20)


def containers_in(value: Any) -> list[Any]:
    """Every list, dict, Map and Set reachable from *value*, once each."""
    found: dict[int, Any] = {}
    todo = [value]
    while todo:
        item = todo.pop()
        if id(item) in found:
            continue
        if isinstance(item, list | tuple):
            todo += item
        elif isinstance(item, dict):
            todo += item.values()
            todo += item.keys()
        elif isinstance(item, Map):
            todo += [part for entry in item.entries() for part in entry]
        elif isinstance(item, Set):
            todo += item
        else:
            continue
        found[id(item)] = item
    return list(found.values())


@st.composite
def graphs(draw: st.DrawFn) -> Any:
    """A tree, then a few extra references between its containers: shared objects and
    cycles."""
    value = draw(trees)
    containers = containers_in(value)
    for _ in range(draw(st.integers(min_value=0, max_value=3)) if containers else 0):
        holder = draw(st.sampled_from(containers))
        target = draw(st.sampled_from(containers))
        if isinstance(holder, list):
            holder.append(target)
        elif isinstance(holder, NullProtoObject | dict) and all(isinstance(k, str) for k in holder):
            holder[draw(keys)] = target
        elif isinstance(holder, Map):
            holder[draw(hashable_primitives)] = target
        elif isinstance(holder, Set):
            holder.add(target)
    return value


ascii_words = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8)
