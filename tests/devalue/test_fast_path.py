"""`stringify`'s fast path for plain JSON trees must write exactly what the general walk
writes, and hand over to it for everything else."""

from __future__ import annotations

import enum
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kite import devalue
from kite.devalue._fast_stringify import NotPlainJson, stringify_plain_json
from kite.devalue._stringify import DEFAULT_MAX_DEPTH, Flattener


def general(value: object, max_depth: int = DEFAULT_MAX_DEPTH) -> str:
    return Flattener(None, max_depth).flatten(value)


def outcome(write: Any, value: object, max_depth: int = DEFAULT_MAX_DEPTH) -> object:
    """The text written, or the error's message and path."""
    try:
        return write(value, max_depth=max_depth)
    except devalue.DevalueError as error:
        return (error.message, error.path)


def general_outcome(value: object, max_depth: int = DEFAULT_MAX_DEPTH) -> object:
    return outcome(lambda v, max_depth: general(v, max_depth), value, max_depth)


class Colour(enum.IntEnum):
    RED = 1


class Text(str):
    pass


shared: dict[str, Any] = {"x": 1}
cycle: list[Any] = []
cycle.append(cycle)
same_nan = math.nan
big = float(2**60)

PLAIN = [
    [],
    {},
    [0, 0.0, -0.0, 1, 1.0, True, False, None, "1", "", 1.5],
    [1.0, 1, 2.5, 2.5, 1e-7, 1e21, 1e300, 1.5e300, 123456789012345680.0, -1e-5],
    [same_nan, same_nan, math.nan, math.inf, -math.inf, -0.0, 0.0, -0.0],
    [big, 2**53 - 1, -(2**53 - 1), float(2**53 - 1)],
    {"a%s": 1, "%d%%": "<script>", "é": "\u2028", "x": "\ud800", "y": "😀"},
    {"k": [shared, shared, {"deep": [[[]]]}], "again": shared},
    cycle,
    [{"id": i, "title": f"Item {i}", "done": i % 3 == 0, "price": i * 1.25} for i in range(40)],
    # Flat objects (a form's fields): shared values, 1/True and 0/False kept apart.
    {"email": "a@b", "incorrect": True, "one": 1, "yes": True, "zero": 0, "no": False},
    {"none": None, "again": None, "text": "1", "number": 1, "same": "a@b", "a": "a@b"},
    {"long": "x" * 10_000, "escapes": "</script>\u2028\ud800", "min": -(2**53 - 1)},
    {f"k{i}": i for i in range(200)},  # longer than the flat path takes
]


@pytest.mark.parametrize("value", PLAIN, ids=range(len(PLAIN)))
def test_fast_path_writes_what_the_general_walk_writes(value: Any) -> None:
    assert stringify_plain_json(value, DEFAULT_MAX_DEPTH) == general(value)


NOT_PLAIN = [
    [2**53],  # a BigInt
    [big, 2**60],  # an int equal to a float already written: a BigInt all the same
    [devalue.UNDEFINED],
    [Colour.RED],
    [Text("subclass")],
    {"then": 1},
    {"__proto__": 1},
    {"1": "index-like keys come first in JavaScript", "a": 2},
    {1: "a Map"},
    [(1, 2)],
    [[[[]]] * 2],
    {"flat": "but", "big": 2**53},  # a flat object holding a BigInt
    {"flat": 1, "then": 2},
]


@pytest.mark.parametrize("value", NOT_PLAIN, ids=range(len(NOT_PLAIN)))
def test_other_values_are_left_to_the_general_walk(value: Any) -> None:
    if value == [[[[]]] * 2]:
        with pytest.raises(NotPlainJson):
            stringify_plain_json(value, 3)
        return
    with pytest.raises(NotPlainJson):
        stringify_plain_json(value, DEFAULT_MAX_DEPTH)
    assert outcome(devalue.stringify, value) == general_outcome(value)


def test_deep_trees_use_the_general_walk_and_its_limit() -> None:
    deep: list[Any] = []
    for _ in range(200):
        deep = [deep]
    assert devalue.stringify(deep) == general(deep)
    for depth in range(1, 8):
        nested: list[Any] = []
        for _ in range(depth):
            nested = [nested, {"a": nested}]
        for max_depth in range(1, depth + 4):
            written = outcome(devalue.stringify, nested, max_depth)
            assert written == general_outcome(nested, max_depth)


json_trees = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats()
    | st.sampled_from([0, 1, 1.0, -0.0, 0.0, True, "1", "<", "%s"])
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=3), children, max_size=5)
    ),
    max_leaves=30,
)


@given(st.lists(json_trees, max_size=4) | st.dictionaries(st.text(max_size=3), json_trees))
def test_any_json_tree_is_written_as_by_the_general_walk(value: Any) -> None:
    assert devalue.stringify(value) == general(value)


flat_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**54), max_value=2**54)
    | st.sampled_from([0, 1, True, False, "1", "0", "", "<", "%s", "then"])
    | st.text(max_size=4)
)


@given(
    st.dictionaries(st.text(max_size=3), flat_leaves, max_size=70),
    st.sampled_from([1, 2, 3, DEFAULT_MAX_DEPTH]),
)
def test_flat_objects_are_written_as_by_the_general_walk(value: Any, max_depth: int) -> None:
    assert outcome(devalue.stringify, value, max_depth) == general_outcome(value, max_depth)
