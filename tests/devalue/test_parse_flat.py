"""`parse`'s path for text that is one object of primitives must give exactly what the
general path gives, and leave every other text to it."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_parse_records import snapshot

from kite import devalue
from kite.devalue._parse import DEFAULT_MAX_SPARSE_LENGTH, _flat_object, _unflatten


def general(text: str) -> Any:
    """What the general path reads, or the message it raises."""
    try:
        values = json.loads(text)
        return snapshot(_unflatten(values, None, DEFAULT_MAX_SPARSE_LENGTH, json_checked=True))
    except devalue.ParseError as exc:
        return f"error: {exc}"


def parsed(text: str) -> Any:
    try:
        return snapshot(devalue.parse(text))
    except devalue.ParseError as exc:
        return f"error: {exc}"


PRIMITIVES = st.one_of(
    st.text(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
VALUES = st.one_of(PRIMITIVES, st.lists(PRIMITIVES, max_size=4))


@given(st.dictionaries(st.text().filter(lambda key: key != "__proto__"), VALUES, max_size=12))
def test_objects_of_primitives_read_as_the_general_path_reads_them(value: dict[str, Any]) -> None:
    text = devalue.stringify(value)
    assert parsed(text) == general(text)


@pytest.mark.parametrize(
    "text",
    [
        '[{"a":1,"b":2,"c":3,"d":4,"e":5}, 5.0, -0.0, 9007199254740993, 1e400, "x"]',
        '[{"2":1,"1":2,"b":3}, "two", "one", "b"]',  # keys stay in the text's order
        '[{"a":1,"b":1}, "shared"]',
        '[{"a":1}, "used", ["Date", "not a date, never read"], 7]',  # unread slots
        '[{"a":-1}]',  # undefined
        '[{"a":-3,"b":-6}]',  # NaN, -0
        '[{"a":-2}]',  # a hole outside an array
        '[{"a":0}]',  # itself
        '[{"a":1.0}, "x"]',  # a reference written as a float
        '[{"a":true}, "x"]',  # a bool is not a reference
        '[{"a":9}, "x"]',  # out of range
        '[{"a":1}, ["Date", "2024-01-01T00:00:00.000Z"]]',
        '[{"a":1}, {"b":2}, "deep"]',
        '[{"a":1}, [2], "in a list"]',
        '[{"a":1,"b":1,"c":2}, [], []]',  # one list shared, one not
        '[{"a":1,"b":1}, [2, 2], 5.0]',
        '[{"a":1}, [-2, 2], "x"]',  # a hole in a list
        '[{"a":1}, [-1], "x"]',  # undefined in a list
        '[{"a":1}, [2], [3], "nested"]',
        '[{"a":1}, [1], "itself"]',
        '[{"a":1}, [-7, 3], "sparse"]',
        '[{"a":1}, ["Set", 2], "x"]',
        '[{"__proto__":1}, "x"]',
        "[{}]",
        '[[1], "not an object"]',
        '["Date", "2024-01-01T00:00:00.000Z"]',
    ],
)
def test_every_other_case_reads_as_the_general_path_reads_it(text: str) -> None:
    assert parsed(text) == general(text)


def test_it_declines_what_is_not_an_object_of_primitives() -> None:
    assert _flat_object(json.loads('[{"a":1}, {"b":2}, 3]')) is None
    assert _flat_object(json.loads('[{"a":-1}]')) is None
    assert _flat_object(json.loads("[[1], 2]")) is None
    flat = _flat_object(json.loads('[{"a":1,"b":2,"c":3}, 5.0, -0.0, "s"]'))
    assert flat is not None and flat["a"] == 5 and type(flat["a"]) is int
    assert math.copysign(1, flat["b"]) == -1 and flat["c"] == "s"
