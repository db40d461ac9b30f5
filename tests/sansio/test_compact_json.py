"""compact_json writes what json.dumps writes with the same options."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kite.sansio import compact_json

_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_values = st.recursive(
    _leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(_values)
def test_writes_what_json_dumps_writes(value: Any) -> None:
    expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert compact_json.dumps(value) == expected


@pytest.mark.parametrize(
    "value", ["é\u2028</script>", 1.5, -0.0, math.inf, math.nan, 10**30, (1, "a"), {1: True}]
)
def test_edge_values(value: Any) -> None:
    assert compact_json.dumps(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def test_unknown_types_and_cycles_raise() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        compact_json.dumps({"when": object()})
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(RecursionError):
        compact_json.dumps(looped)
