"""Hostile input: parse either returns a value or raises ParseError (a ValueError), and
does so quickly — never RecursionError, never another exception, never a hang."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from devalue_testing import VECTORS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kite import devalue

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLES = [v["devalue"] for v in VECTORS["vectors"] if "devalue" in v]
TAGS = [
    "Date", "RegExp", "BigInt", "URL", "URLSearchParams", "ArrayBuffer", "Object", "Set",
    "Map", "null", "DataView", "Temporal.PlainDate", "Temporal.Nope", "Vector", "Unknown",
    "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Float16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array",
    "BigInt64Array", "BigUint64Array",
]  # fmt: skip


def parse_or_reject(text: str | bytes, **kwargs: Any) -> Any:
    """parse, allowing only ParseError; when it succeeds, what it built must write back
    out and read in again to the same text."""
    try:
        value = devalue.parse(text, **kwargs)
    except devalue.ParseError:
        return None
    try:
        again = devalue.stringify(value, max_depth=10**6)
    except devalue.DevalueError as error:
        # A revived test marker is the only thing parse may build that cannot be written.
        assert "revivers" in kwargs, error
        return value
    assert devalue.stringify(devalue.parse(again), max_depth=10**6) == again
    return value


@contextmanager
def within(seconds: float) -> Iterator[None]:
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < seconds


# --- generated input ---------------------------------------------------------------------

refs = st.integers(min_value=-9, max_value=12) | st.sampled_from([0.5, -2.0, True, None, "1"])
inline = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6),
    st.sampled_from(["2001-09-09T01:46:40.000Z", "", "AQID", "a=1", "https://x.y/", "-12"]),
)  # fmt: skip
slots = st.one_of(
    inline,
    st.lists(refs, max_size=5),
    st.dictionaries(st.text(max_size=3) | st.just("__proto__"), refs, max_size=4),
    st.tuples(st.sampled_from(TAGS), st.lists(refs | inline, max_size=4)).map(
        lambda tag_args: [tag_args[0], *tag_args[1]]
    ),
    st.lists(refs, max_size=6).map(lambda rest: [-7, *rest]),
)


@FUZZ
@given(st.lists(slots, min_size=1, max_size=12))
def test_random_slot_tables(table: list[Any]) -> None:
    parse_or_reject(json.dumps(table))


@FUZZ
@given(st.lists(slots, min_size=1, max_size=8))
def test_random_slot_tables_with_revivers(table: list[Any]) -> None:
    revivers = {"Vector": lambda payload: ("revived", payload), "Date": lambda payload: payload}
    parse_or_reject(json.dumps(table), revivers=revivers)


@FUZZ
@given(st.text(max_size=40))
def test_random_text(text: str) -> None:
    parse_or_reject(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=12,
)


@FUZZ
@given(json_values)
def test_random_json(value: Any) -> None:
    parse_or_reject(json.dumps(value))


@st.composite
def mutated_vectors(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "number"]))
        if action == "delete":
            text = text[:at] + text[at + 1 :]
        elif action == "insert":
            text = text[:at] + draw(st.sampled_from(list('[]{},:"-0123456789e.\\'))) + text[at:]
        elif action == "replace":
            text = text[:at] + draw(st.text(min_size=1, max_size=2)) + text[at + 1 :]
        elif action == "truncate":
            text = text[:at]
        else:
            text = text[:at] + str(draw(st.integers(min_value=-9, max_value=30))) + text[at:]
    return text


@FUZZ
@given(mutated_vectors())
def test_mutated_vectors(text: str) -> None:
    parse_or_reject(text)


@FUZZ
@given(mutated_vectors())
def test_mutated_vectors_as_bytes(text: str) -> None:
    parse_or_reject(text.encode("utf-8", "surrogatepass"))


# --- hand-picked hostile input ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[[-7,4294967295]]",
        "[[-7,4294967296]]",
        "[[-7,1e300]]",
        "[[" + ",".join(map(str, range(1, 51))) + "]," + ",".join(["[-7,4000000]"] * 50) + "]",
        '[["Uint8Array",1,0,4294967295],["ArrayBuffer","AQID"]]',
        '[["Float64Array",1,8,1],["ArrayBuffer","AQID"]]',
        '[["BigInt","' + "9" * 100_000 + '"]]',
        "[1" + "0" * 5000 + "]",
        "[[" + ",".join(["-8"] * 1000) + "]]",
        '[["Map",0,0,0]]',
        '[["Vector",1],["Vector",0]]',
        '[["Object",1],["Object",0]]',
        '[["Date",' * 10 + "]",
        "[[" + "0," * 100_000 + "100001]]",
    ],
    ids=lambda text: text[:30],
)
def test_hostile_input_is_rejected_quickly(text: str) -> None:
    with within(5), pytest.raises(devalue.ParseError):
        devalue.parse(text, {"Vector": lambda payload: payload})


def test_deep_valid_nesting_parses_without_recursion() -> None:
    depth = 100_000
    text = "[" + ",".join(f"[{i + 1}]" for i in range(depth)) + ",[]]"
    with within(10):
        value = devalue.parse(text)
    for _ in range(depth):
        (value,) = value
    assert value == []


def test_deep_values_are_refused_or_written_without_recursion() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with within(5), pytest.raises(devalue.DevalueError, match="nested more than 1000 levels"):
        devalue.stringify(deep)
    with within(10):
        text = devalue.stringify(deep, max_depth=200_000)
    assert text.startswith("[[1],[2],[3],") and text.endswith(",[100000],[]]")
    assert devalue.stringify(devalue.parse(text), max_depth=200_000) == text


def test_self_references_are_fine() -> None:
    value = devalue.parse('[["Map",0,0]]')
    assert value[value] is value
    cycle = devalue.parse("[[0,0,0]]")
    assert cycle[0] is cycle and cycle[2] is cycle


def test_a_huge_flat_array_is_fast() -> None:
    text = "[[" + ",".join(["1"] * 300_000) + '],"x"]'
    with within(5):
        value = devalue.parse(text)
    assert len(value) == 300_000 and value[-1] == "x"


def test_sparse_arrays_are_bounded() -> None:
    assert len(devalue.parse("[[-7,1000001,1000000,1],1]")) == 1_000_001
    with pytest.raises(devalue.ParseError, match="max_sparse_length"):
        devalue.parse("[[-7,1000001,1000000,1],1]", max_sparse_length=1_000_000)
    with pytest.raises(devalue.ParseError, match="max_sparse_length"):
        devalue.parse("[[1,2],[-7,600],[-7,600]]", max_sparse_length=1000)


def test_input_length_is_bounded() -> None:
    with pytest.raises(devalue.ParseError, match="max_length=10"):
        devalue.parse('["0123456789"]', max_length=10)
    assert devalue.parse('["0123456"]', max_length=11) == "0123456"


def test_bad_utf8_is_a_parse_error() -> None:
    with pytest.raises(devalue.ParseError, match="not UTF-8"):
        devalue.parse(b'["\xff"]')
    assert devalue.parse('["é"]'.encode()) == "é"


def test_a_non_text_argument_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="takes str or bytes"):
        devalue.parse(42)  # type: ignore[arg-type]


def test_a_reducer_that_claims_its_own_output_is_stopped() -> None:
    with within(5), pytest.raises(devalue.DevalueError, match="reducers claimed"):
        devalue.stringify([1], {"Again": lambda value: isinstance(value, list) and [value]})


def test_unflatten_rejects_non_json_objects() -> None:
    with pytest.raises(devalue.ParseError, match="not JSON"):
        devalue.unflatten([[1], (1, 2)])
    assert devalue.unflatten([{"a": 1}, "x"]) == {"a": "x"}
