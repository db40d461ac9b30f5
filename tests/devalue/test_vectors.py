"""Conformance: every vector of shared/devalue/vectors.json (devalue 6.0.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from devalue_testing import (
    REVIVERS,
    VECTORS,
    assert_same,
    from_description,
    reducers_for,
    revivers_for,
)

from kite import devalue

# parse_only vectors marked "quirk" that Kite deliberately rejects (docs/devalue.md).
REJECTED_QUIRKS = {
    "parse_only/date-non-iso-string",
    "parse_only/date-garbage",
    "parse_only/date-missing-payload",
    "parse_only/date-number-payload",
    "parse_only/regexp-missing-source",
    "parse_only/bigint-hex",
    "parse_only/negative-ref-in-array",
    "parse_only/hole-sentinel-in-object",
    "parse_only/fractional-ref",
}


def vectors(kind: str) -> list[Any]:
    chosen = [v for v in VECTORS["vectors"] if v["kind"] == kind]
    return [pytest.param(v, id=v["name"]) for v in chosen]


def test_the_vector_file_is_complete() -> None:
    counts = {kind: len(vectors(kind)) for kind in VECTORS["counts"]}
    assert (
        counts
        == VECTORS["counts"]
        == {
            "roundtrip": 235,
            "error": 33,
            "parse_error": 56,
            "parse_only": 25,
        }
    )
    quirks = {v["name"] for v in VECTORS["vectors"] if v.get("quirk")}
    assert quirks >= REJECTED_QUIRKS


@pytest.mark.parametrize("vector", vectors("roundtrip"))
def test_stringify_matches_devalue_byte_for_byte(vector: dict[str, Any]) -> None:
    value = from_description(vector["value"])
    reducers = reducers_for(vector.get("reducers", []))
    assert devalue.stringify(value, reducers) == vector["devalue"]


@pytest.mark.parametrize("vector", vectors("roundtrip"))
def test_parse_rebuilds_the_described_value(vector: dict[str, Any]) -> None:
    expected = from_description(vector["value"], mode="parse")
    revivers = revivers_for(vector.get("reducers", []))
    assert_same(expected, devalue.parse(vector["devalue"], revivers))


@pytest.mark.parametrize("vector", vectors("roundtrip"))
def test_parse_then_stringify_is_the_identity(vector: dict[str, Any]) -> None:
    names = vector.get("reducers", [])
    revivers = {name: REVIVERS[name] for name in names}
    parsed = devalue.parse(vector["devalue"], revivers)
    assert devalue.stringify(parsed, reducers_for(names)) == vector["devalue"]


@pytest.mark.parametrize("vector", [v for v in vectors("roundtrip") if "envelope" in v.values[0]])
def test_sveltekit_envelope_carries_the_same_data(vector: dict[str, Any]) -> None:
    value = from_description(vector["value"])
    text = devalue.stringify(value, reducers_for(vector.get("reducers", [])))
    envelope = json.loads(vector["envelope"])
    assert envelope["data"] == text
    rebuilt = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
    assert rebuilt == vector["envelope"]


@pytest.mark.parametrize("vector", vectors("error"))
def test_stringify_rejects_with_devalues_message_and_path(vector: dict[str, Any]) -> None:
    value = from_description(vector["value"])
    with pytest.raises(devalue.DevalueError) as caught:
        devalue.stringify(value, reducers_for(vector.get("reducers", [])))
    assert type(caught.value).__name__ == vector["error"]["name"]
    assert str(caught.value) == vector["error"]["message"]
    assert caught.value.path == vector["error"]["path"]
    assert caught.value.root is value


@pytest.mark.parametrize("vector", vectors("parse_error"))
def test_parse_rejects_with_a_value_error(vector: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as caught:
        devalue.parse(vector["devalue"], revivers_for(vector.get("revivers", [])))
    assert isinstance(caught.value, devalue.ParseError)
    if vector["error"]["normative"]:
        assert str(caught.value).startswith(vector["error"]["message"])


@pytest.mark.parametrize("vector", vectors("parse_only"))
def test_parse_only_inputs(vector: dict[str, Any]) -> None:
    revivers = revivers_for(vector.get("revivers", []))
    if vector["name"] in REJECTED_QUIRKS:
        with pytest.raises(devalue.ParseError):
            devalue.parse(vector["devalue"], revivers)
        return
    expected = from_description(vector["value"], mode="parse")
    assert_same(expected, devalue.parse(vector["devalue"], revivers))


@pytest.mark.parametrize(
    "vector",
    [
        v
        for v in vectors("roundtrip")
        if v.values[0]["value"] and "$typedarray" in str(v.values[0]["value"])
    ],
)
def test_typed_array_elements_match_the_informational_values(vector: dict[str, Any]) -> None:
    parsed = devalue.parse(vector["devalue"])
    views = parsed if isinstance(parsed, list) else [parsed]
    described = vector["value"] if isinstance(vector["value"], list) else [vector["value"]]
    for view, description in zip(views, described, strict=True):
        if isinstance(view, devalue.TypedArray):
            expected = from_description(description["$typedarray"]["values"], mode="parse")
            assert_same(expected, view.tolist())
