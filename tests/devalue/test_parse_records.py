"""`parse`'s bulk path for lists of records must give exactly what the general path gives:
same values, same types, same sharing of objects, same errors; and what it does not take
on, it must leave untouched."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kite import devalue
from kite.devalue._parse import DEFAULT_MAX_SPARSE_LENGTH, Unflattener
from kite.devalue._parse_records import RECORDS_MIN, read_records

N = RECORDS_MIN + 3


def snapshot(value: Any) -> Any:
    """*value* as nested tuples that tell apart what `==` does not: types (1, 1.0,
    True), key order, -0.0 and NaN, and which containers are one object."""
    seen: dict[int, int] = {}

    def walk(item: Any) -> Any:
        if isinstance(item, dict | list):
            if id(item) in seen:
                return ("same as", seen[id(item)])
            seen[id(item)] = len(seen)
            if isinstance(item, dict):
                return ("dict", seen[id(item)], [(key, walk(v)) for key, v in item.items()])
            return ("list", seen[id(item)], [walk(v) for v in item])
        return (type(item).__name__, repr(item))

    return walk(value)


def outcome(slots: list[Any], *, bulk: bool, json_typed: bool = True) -> Any:
    """The snapshot of what the slot table reads as, or the error it raises."""
    try:
        value = Unflattener(
            slots, None, DEFAULT_MAX_SPARSE_LENGTH, json_checked=json_typed, bulk_records=bulk
        ).run()
    except devalue.ParseError as error:
        return ("error", error.message, error.slot)
    return snapshot(value)


def check_same(text: str) -> Any:
    """Parse *text* both ways (through `json`, as `parse` does) and compare."""
    expected = outcome(json.loads(text), bulk=False)
    assert outcome(json.loads(text), bulk=True) == expected
    assert_parse_matches(text, expected)
    return expected


def assert_parse_matches(text: str, expected: Any) -> None:
    try:
        got = snapshot(devalue.parse(text))
    except devalue.ParseError as error:
        got = ("error", error.message, error.slot)
    assert got == expected


def bulk_takes(text: str, at: int = 0) -> bool:
    """Whether the bulk path builds the array in slot *at* when it is met first (`start`
    tries it on arrays of `RECORDS_MIN` entries or more)."""
    slots = json.loads(text)
    if len(slots[at]) < RECORDS_MIN:
        return False
    reader = Unflattener(slots, None, DEFAULT_MAX_SPARSE_LENGTH, json_checked=True)
    if at:
        reader.built[0] = {}  # the root, being built
    return read_records(slots, reader.built, at, slots[at], True) is not None


def table(records: list[dict[str, Any]], extra: list[Any] | None = None) -> str:
    """devalue text of a root list of *records*, each a dict of key → slot value, written
    by hand so that it may hold what `stringify` never writes. Each record's values are
    slot numbers counted from the first slot after the records, or raw references given
    as ``("ref", n)``."""
    base = 1 + len(records)
    slots: list[Any] = [list(range(1, base))]
    leaves: list[Any] = list(extra or [])
    for record in records:
        obj: dict[str, Any] = {}
        for key, value in record.items():
            if isinstance(value, tuple) and value[:1] == ("ref",):
                obj[key] = value[1]
            else:
                obj[key] = base + len(leaves)
                leaves.append(value)
        slots.append(obj)
    return json.dumps(slots + leaves, allow_nan=False)


def rows(count: int = N) -> list[dict[str, Any]]:
    return [
        {"id": i, "name": f"n{i}", "ok": i % 2 == 0, "x": i / 4, "z": None} for i in range(count)
    ]


def refs(*per_record: Any, count: int = N) -> str:
    """A table whose record i is {"v": <raw reference>, "i": <its index>}, cycling through
    *per_record*; slots after the records are: "a", 1, 2.5, true, null."""
    records = [{"v": ("ref", per_record[i % len(per_record)]), "i": i} for i in range(count)]
    return table(records, ["a", 1, 2.5, True, None])


def listing(entry: Any, at: int = 4, *extra: Any) -> str:
    """`refs` text whose array has *entry* at position *at* instead of a record, and
    *extra* slots at the end."""
    slots = json.loads(refs(1 + N))
    slots[0][at] = entry
    return json.dumps(slots + list(extra))


FIRST_LEAF = 1 + N  # the slot of "a" in refs()
SIZE = 1 + N + 5 + N  # the slots of refs(): the list, records, five leaves, the indices


TAKEN = {
    "rows": devalue.stringify(rows()),
    "mixed key orders": table([{"a": 1, "b": 2} if i % 2 else {"b": 2, "a": 1} for i in range(N)]),
    "different keys": table([{f"k{i % 3}": i} for i in range(N)]),
    "empty records": table([{} for _ in range(N)]),
    "bools and ints": devalue.stringify([{"b": i % 2 == 0, "n": i % 2} for i in range(N)]),
    "one and one point zero": table([{"a": 1.0, "b": 1, "c": 5e0} for _ in range(N)]),
    "strings like numbers": table([{"a": "1", "b": "1.0", "c": "-0", "d": "NaN"}] * N),
    "unsafe ints and integral floats": table([{"a": 2**60, "b": -(2**60), "c": 1e20}] * N),
    "sentinels": refs(-1, -3, -4, -5, -6),
    "shared values": refs(FIRST_LEAF, FIRST_LEAF + 1, FIRST_LEAF + 2, FIRST_LEAF + 4),
    "exactly the threshold": devalue.stringify(rows(RECORDS_MIN)),
}


@pytest.mark.parametrize("text", TAKEN.values(), ids=TAKEN.keys())
def test_the_bulk_path_reads_as_the_general_path(text: str) -> None:
    assert bulk_takes(text)
    assert check_same(text)[0] == "list"


LEFT = {
    "too short": devalue.stringify(rows(RECORDS_MIN - 1)),
    "a hole": refs(FIRST_LEAF, -2),
    "a negative reference": refs(FIRST_LEAF, -7),
    "a very negative reference": refs(FIRST_LEAF, -(10**6)),
    "just past the end": refs(FIRST_LEAF, SIZE),
    "past the end, where sentinels follow the built values": refs(FIRST_LEAF, SIZE + 3),
    "far past the end": refs(FIRST_LEAF, 10**9),
    "a bool reference": refs(FIRST_LEAF, True),
    "a false reference": refs(FIRST_LEAF, False),
    "a float reference": refs(FIRST_LEAF, float(FIRST_LEAF + 1)),
    "a fractional reference": refs(FIRST_LEAF, 2.5),
    "a string reference": refs(FIRST_LEAF, str(FIRST_LEAF)),
    "a null reference": refs(FIRST_LEAF, None),
    "a list reference": refs(FIRST_LEAF, [FIRST_LEAF]),
    "a reference to the list": refs(FIRST_LEAF, 0),
    "a reference to another record": refs(FIRST_LEAF, 1),
    "a bool in the array": listing(True),
    "true for slot 1 in the array": listing(True, at=0),
    "a float in the array": listing(5.0),
    "a string in the array": listing("5"),
    "a hole in the array": listing(-2),
    "a sentinel in the array": listing(-3),
    "a negative entry in the array": listing(-8),
    "a negative entry that would wrap to the record it replaces": listing(5 - SIZE),
    "a value in the array": listing(1 + N),
    "an array in the array": listing(SIZE, 4, [FIRST_LEAF]),
    "a tagged value in the array": listing(SIZE, 4, ["Date", "2024-01-01T00:00:00.000Z"]),
    "an entry past the end of the array": listing(10**6),
    "a hole in a late record": refs(*[FIRST_LEAF] * (N - 2), -2, FIRST_LEAF),
    "a __proto__ key": table([{"__proto__": 1}] * N),
    "a nested list": table([{"a": 1}] * (N - 1) + [{"a": ("ref", 1 + N + 1)}], [1, [0]]),
}


@pytest.mark.parametrize("text", LEFT.values(), ids=LEFT.keys())
def test_other_arrays_are_left_to_the_general_path(text: str) -> None:
    assert not bulk_takes(text)
    check_same(text)


def test_a_record_listed_twice_is_one_object() -> None:
    slots = json.loads(devalue.stringify(rows()))
    slots[0][5] = slots[0][2]
    text = json.dumps(slots)
    assert not bulk_takes(text)
    check_same(text)
    parsed = devalue.parse(text)
    assert parsed[5] is parsed[2]


def test_a_record_also_referenced_after_the_list_is_the_same_object() -> None:
    records = rows()
    tree = {"rows": records, "pick": records[3], "again": [records[0], records]}
    text = devalue.stringify(tree)
    assert bulk_takes(text, at=1)
    check_same(text)
    parsed = devalue.parse(text)
    assert parsed["pick"] is parsed["rows"][3]
    assert parsed["again"][0] is parsed["rows"][0]
    assert parsed["again"][1] is parsed["rows"]


def test_a_record_referenced_before_the_list_is_the_same_object() -> None:
    records = rows()
    tree = {"pick": records[3], "rows": records}
    text = devalue.stringify(tree)
    check_same(text)
    parsed = devalue.parse(text)
    assert parsed["pick"] is parsed["rows"][3]


def test_records_read_before_an_irregular_one_are_the_objects_of_the_tree() -> None:
    records: list[dict[str, Any]] = rows()
    records[-3]["tags"] = ["a", records[0]]
    tree = {"rows": records, "pick": records[2], "late": records[-2]}
    text = devalue.stringify(tree)
    assert not bulk_takes(text, at=1)
    check_same(text)
    parsed = devalue.parse(text)
    assert parsed == tree
    assert parsed["pick"] is parsed["rows"][2]
    assert parsed["late"] is parsed["rows"][-2]
    assert parsed["rows"][-3]["tags"][1] is parsed["rows"][0]


def test_records_may_refer_to_containers_already_built() -> None:
    # The root dict and its first child are built before "rows", whose records refer to
    # both: the bulk path takes the objects being built as they are, as the general does.
    slots: list[Any] = [{"first": 1, "rows": 2}, [], list(range(3, 3 + N))]
    slots += [{"root": 0, "first": 1} for _ in range(N)]
    check_same(json.dumps(slots))
    parsed = devalue.parse(json.dumps(slots))
    assert parsed["rows"][0]["root"] is parsed
    assert parsed["rows"][-1]["first"] is parsed["first"]


def test_a_bool_reference_is_refused_when_slot_one_is_a_value() -> None:
    # Slot 1 holds a value, so a bool reference reads a built slot: only the type check
    # of the bulk path can refuse it, as the general path does.
    slots: list[Any] = [{"name": 1, "rows": 2}, "hi", list(range(3, 3 + N))]
    slots += [{"v": 1} for _ in range(N - 1)] + [{"v": True}]
    expected = check_same(json.dumps(slots))
    assert expected[0] == "error"
    slots[-1] = {"v": 1}
    assert bulk_takes(json.dumps(slots), at=2)
    check_same(json.dumps(slots))


class Ref(int):
    pass


class Record(dict[str, Any]):
    pass


def test_unflatten_refuses_what_json_never_decodes() -> None:
    slots: list[Any] = [list(range(1, 1 + N)), *({"v": N + 1} for _ in range(N)), "x"]
    slots[3] = {"v": Ref(N + 1)}
    expected = outcome(slots, bulk=False, json_typed=False)
    assert expected[0] == "error"
    assert outcome(slots, bulk=True, json_typed=False) == expected
    slots[3] = Record(v=N + 1)
    expected = outcome(slots, bulk=False, json_typed=False)
    assert expected[0] == "error"
    assert outcome(slots, bulk=True, json_typed=False) == expected
    slots[3] = {"v": N + 1}
    assert outcome(slots, bulk=True, json_typed=False) == outcome(
        slots, bulk=False, json_typed=False
    )


leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False)
    | st.sampled_from([0, 1, 1.0, -0.0, 0.0, True, False, "1", "1.0", "", 5.0, 1e-7])
    | st.text(max_size=3)
)


@st.composite
def record_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=RECORDS_MIN + 10))
    keys = st.lists(st.sampled_from(["a", "b", "c", "id", ""]), max_size=4, unique=True)
    return [{key: draw(leaves) for key in draw(keys)} for _ in range(count)]


@settings(max_examples=200)
@given(record_lists(), st.lists(leaves, max_size=3))
def test_rows_survive_a_round_trip(records: list[dict[str, Any]], extra: list[Any]) -> None:
    for tree in (records, {"extra": extra, "rows": records, "first": records[:1]}):
        text = devalue.stringify(tree)
        assert devalue.parse(text) == tree
        check_same(text)


references = st.one_of(
    st.integers(min_value=-9, max_value=N + 8),
    st.sampled_from([True, False, None, "3", 2.0, 2.5, [3], -2]),
)


@settings(max_examples=300)
@given(
    st.lists(st.dictionaries(st.sampled_from(["a", "b", "__proto__"]), references), min_size=1),
    st.integers(min_value=RECORDS_MIN - 1, max_value=N),
    st.lists(st.sampled_from([1, 1.0, "s", True, None, [], {}, [1], 2**60]), max_size=6),
)
def test_any_table_reads_as_by_the_general_path(
    shapes: list[dict[str, Any]], count: int, extra: list[Any]
) -> None:
    slots: list[Any] = [list(range(1, 1 + count))]
    slots += [shapes[i % len(shapes)] for i in range(count)]
    slots += extra
    check_same(json.dumps(slots))
