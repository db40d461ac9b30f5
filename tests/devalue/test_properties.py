"""Properties: whatever stringify writes, parse reads back as the same value (NaN, -0.0,
types, shared and cyclic identity included), and parse -> stringify reproduces the text."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from devalue_strategies import graphs, js_text, keys, numbers, trees
from devalue_testing import assert_same, js_key_order
from hypothesis import given, settings
from hypothesis import strategies as st

from kite import devalue

PROFILE = settings(max_examples=150, deadline=None)


@PROFILE
@given(graphs())
def test_parse_inverts_stringify(value: Any) -> None:
    text = devalue.stringify(value)
    assert_same(value, devalue.parse(text))


@PROFILE
@given(graphs())
def test_stringify_inverts_parse(value: Any) -> None:
    text = devalue.stringify(value)
    assert devalue.stringify(devalue.parse(text)) == text


@PROFILE
@given(trees)
def test_output_is_json_a_browser_can_embed(value: Any) -> None:
    text = devalue.stringify(value)
    decoded = json.loads(text)
    assert isinstance(decoded, list) or decoded in (-1, -3, -4, -5, -6)
    assert "<" not in text and "\u2028" not in text and "\u2029" not in text
    text.encode("utf-8")  # no lone surrogate is left raw


@PROFILE
@given(st.dictionaries(keys, st.integers(), max_size=8))
def test_object_keys_come_out_in_javascript_order(value: dict[str, int]) -> None:
    slots = json.loads(devalue.stringify(value))
    assert list(slots[0]) == js_key_order(list(value))


@PROFILE
@given(numbers)
def test_numbers(value: int | float) -> None:
    parsed = devalue.parse(devalue.stringify(value))
    assert_same(value, parsed)
    if isinstance(parsed, float) and math.isfinite(parsed) and parsed != 0:
        assert not parsed.is_integer() or abs(parsed) > 2**53 - 1


@PROFILE
@given(js_text)
def test_strings(value: str) -> None:
    assert devalue.parse(devalue.stringify(value)) == value


def test_comparison_helper_catches_lost_identity() -> None:
    shared: list[int] = []
    with pytest.raises(AssertionError, match="same object"):
        assert_same([shared, shared], [[], []])
    with pytest.raises(AssertionError, match="distinct objects came back as one"):
        one: list[int] = []
        assert_same([[], []], [one, one])
    with pytest.raises(AssertionError):
        assert_same(-0.0, 0)
    with pytest.raises(AssertionError):
        assert_same(float("nan"), 0.0)
