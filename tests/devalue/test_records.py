"""`stringify`'s bulk path for lists of records must write exactly what the general walk
writes, and leave everything it does not take on to the per-value walk untouched."""

from __future__ import annotations

import enum
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kite import devalue
from kite.devalue._fast_stringify import _PlainWriter
from kite.devalue._records import RECORDS_MIN, write_records
from kite.devalue._stringify import DEFAULT_MAX_DEPTH, Flattener

N = RECORDS_MIN + 4


def general(value: object, max_depth: int = DEFAULT_MAX_DEPTH) -> str:
    return Flattener(None, max_depth).flatten(value)


def bulk_takes(records: list[Any]) -> bool:
    """Whether the bulk path writes this list (as the root's only child)."""
    writer = _PlainWriter(DEFAULT_MAX_DEPTH)
    writer.objects[id(records)] = writer.next_ref()
    writer.pieces.append("")
    return write_records(records, writer, True) is not None


class Colour(enum.IntEnum):
    RED = 1


class Text(str):
    pass


def column(*values: Any) -> list[dict[str, Any]]:
    """N records {"v": value, "i": index}, cycling through *values*."""
    return [{"v": values[i % len(values)], "i": i} for i in range(N)]


TAKEN = {
    "zeros": column(0.0, -0.0, 0, 0.5, -0.0, 0.0),
    "negative zero first": column(-0.0, 1.5, 0.0),
    "nan and infinities": column(math.nan, math.inf, -math.inf, 2.5, math.nan),
    "tiny and integral floats": column(1e-7, -2.5e-5, 3.0, 3, 1e-4, 7.0, -7, 123456.0),
    "floats equal to ints met first": column(4, 4.0, 5.0, 5),
    "largest safe numbers": column(2**53 - 1, float(2**53 - 1), -(2**53 - 1)),
    "bools are not 1 and 0": column(True, 1, False, 0, 1.0, True),
    "none and strings": column(None, "None", "null", "", "0", "1.0"),
    "mixed column": column(1, "1", 1.5, None, True, -0.0, math.nan, "x"),
    "escapes": column("<script>", "\u2028", "\u2029", "\ud800", "😀", "a.0", "%s", "%%d"),
    "keys needing escapes": [{"a%s": i, "<k>": "v", "é\u2028": i % 3} for i in range(N)],
    "same values everywhere": [{"a": 1, "b": 1, "c": 1.0} for _ in range(N)],
    "table": [
        {"id": i, "title": f"Item {i}", "done": i % 3 == 0, "price": i * 1.25} for i in range(N)
    ],
}


@pytest.mark.parametrize("records", TAKEN.values(), ids=TAKEN.keys())
def test_records_are_written_as_by_the_general_walk(records: list[Any]) -> None:
    assert bulk_takes(records)
    assert devalue.stringify(records) == general(records)


@pytest.mark.parametrize("records", TAKEN.values(), ids=TAKEN.keys())
def test_values_met_before_and_after_the_records_keep_one_slot(records: list[Any]) -> None:
    first = records[0]
    before = {"v": next(iter(first.values())), "i": 3, "t": True, "f": False, "n": None, "z": -0.0}
    tree = {
        "before": before,
        "rows": records,
        "after": [records[1], dict(first), 0.0, 3.0, "x", math.nan, False],
        "again": records,
    }
    assert devalue.stringify(tree) == general(tree)
    again = [records, records[2], records]
    assert devalue.stringify(again) == general(again)


shared: dict[str, Any] = {"v": 1, "i": 0}
cycle: list[Any] = []
cycle.extend({"v": cycle, "i": i} for i in range(N))

LEFT = {
    "too short": column(1)[: RECORDS_MIN - 1],
    "a record twice": [shared, *column(1)[1:], shared],
    "a bigint": column(1, 2**53),
    "a negative bigint": column(1, -(2**53)),
    "an integral float past the safe integers": column(1.5, float(2**53)),
    "a float past the safe integers": column(1e300),
    "a nested list": column([1]),
    "a nested dict": column({"a": 1}),
    "a nested list in the last record only": [*column(1)[:-1], {"v": [1], "i": 0}],
    "a cycle": cycle,
    "an int subclass": column(Colour.RED),
    "a str subclass": column(Text("x")),
    "a tuple": column((1,)),
    "undefined": column(devalue.UNDEFINED),
    "a date": column(devalue.Date(0)),
    "keys in another order": [*column(1)[:-1], {"i": 0, "v": 1}],
    "a missing key": [*column(1)[:-1], {"v": 1}],
    "index-like keys": [{"1": i, "a": i} for i in range(N)],
    "a then key": [{"then": i} for i in range(N)],
    "a __proto__ key": [{"__proto__": i} for i in range(N)],
    "non-str keys": [{1: i} for i in range(N)],
    "empty records": [{} for _ in range(N)],
    "a dict subclass": [*column(1)[:-1], type("D", (dict,), {})(v=1, i=0)],
    "not only dicts": [*column(1)[:-1], [1]],
}


@pytest.mark.parametrize("records", LEFT.values(), ids=LEFT.keys())
def test_other_lists_are_left_to_the_per_value_walk(records: list[Any]) -> None:
    assert not bulk_takes(records)
    try:
        expected: object = general(records)
    except devalue.DevalueError as error:
        expected = (error.message, error.path)
    try:
        written: object = devalue.stringify(records)
    except devalue.DevalueError as error:
        written = (error.message, error.path)
    assert written == expected


def test_a_record_met_before_the_list_is_a_reference() -> None:
    records = column(1, 2)
    tree = {"first": records[5], "rows": records}
    assert devalue.stringify(tree) == general(tree)


def test_records_past_the_depth_limit_raise_the_general_error() -> None:
    records = column(1)
    for max_depth in range(1, 6):
        for tree in (records, [records], {"a": [records]}):
            try:
                expected: object = general(tree, max_depth)
            except devalue.DevalueError as error:
                expected = (error.message, error.path)
            try:
                written: object = devalue.stringify(tree, max_depth=max_depth)
            except devalue.DevalueError as error:
                written = (error.message, error.path)
            assert written == expected


leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) - 2, max_value=2**53 + 2)
    | st.floats()
    | st.sampled_from([0, 1, 1.0, -0.0, 0.0, True, False, "1", "<", "%s", 1e-5, 5.0])
    | st.text(max_size=4)
)


@st.composite
def record_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    keys = draw(st.lists(st.text(max_size=3), min_size=1, max_size=4, unique=True))
    count = draw(st.integers(min_value=RECORDS_MIN, max_value=RECORDS_MIN + 8))
    # A few distinct values per column, so that values repeat across records.
    pools = [draw(st.lists(leaves, min_size=1, max_size=4)) for _ in keys]
    picks = st.integers(min_value=0, max_value=3)
    return [
        {key: pool[draw(picks) % len(pool)] for key, pool in zip(keys, pools, strict=True)}
        for _ in range(count)
    ]


@settings(max_examples=300)
@given(record_lists(), st.lists(leaves, max_size=4), st.lists(leaves, max_size=4))
def test_any_record_list_is_written_as_by_the_general_walk(
    records: list[dict[str, Any]], before: list[Any], after: list[Any]
) -> None:
    for tree in (records, [before, records, after]):
        try:
            expected: object = general(tree)
        except devalue.DevalueError as error:
            expected = (error.message, error.path)
        try:
            written: object = devalue.stringify(tree)
        except devalue.DevalueError as error:
            written = (error.message, error.path)
        assert written == expected
