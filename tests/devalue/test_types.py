"""The Python side of the type mapping: each decision documented in docs/devalue.md."""

from __future__ import annotations

import array
import ast
import enum
import json
import math
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kite import devalue
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


def roundtrip(value: Any) -> Any:
    return devalue.parse(devalue.stringify(value))


def test_public_names_are_exported_in_ruffs_sorted_order() -> None:
    # Kite's pytest plugin makes pytest rewrite the asserts of Kite's modules, which adds
    # names such as "@py_builtins": not identifiers, not public.
    public = {name for name in dir(devalue) if name.isidentifier() and not name.startswith("_")}
    assert set(devalue.__all__) == public
    constants = sorted(name for name in devalue.__all__ if name.isupper())
    classes = sorted(name for name in devalue.__all__ if name[0].isupper() and not name.isupper())
    functions = sorted(name for name in devalue.__all__ if name[0].islower())
    assert devalue.__all__ == constants + classes + functions


def test_the_package_stands_alone() -> None:
    package = Path(devalue.__file__).parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{source.name} imports from outside kite.devalue"
                assert node.level == 1 or not (node.module or "").startswith("kite"), source.name
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("kite") for alias in node.names), source.name


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2**53 - 1, "[9007199254740991]"),
        (-(2**53 - 1), "[-9007199254740991]"),
        (2**53, '[["BigInt","9007199254740992"]]'),
        (-(2**53), '[["BigInt","-9007199254740992"]]'),
        (BigInt(7), '[["BigInt","7"]]'),
        (100.0, "[100]"),
        (1e21, "[1e+21]"),
        (1.5e-7, "[1.5e-7]"),
        (-2.5e-5, "[-0.000025]"),
        (0.1, "[0.1]"),
        (True, "[true]"),
    ],
)
def test_number_text(value: Any, text: str) -> None:
    assert devalue.stringify(value) == text


def test_ints_and_floats_share_slots_but_not_with_bools_or_bigints() -> None:
    assert devalue.stringify([1, 1.0, True, BigInt(1), "1"]) == (
        '[[1,1,2,3,4],1,true,["BigInt","1"],"1"]'
    )


def test_parse_gives_int_for_safe_integers_and_float_otherwise() -> None:
    values = devalue.parse("[[1,2,3,4,5],1.0,1e2,9007199254740993,1.5,-0.0]")
    assert values == [1, 100, 9007199254740992.0, 1.5, 0.0]
    assert [type(v) for v in values] == [int, int, float, float, float]
    assert math.copysign(1, values[4]) == -1
    assert type(devalue.parse('[["BigInt","5"]]')) is BigInt
    big = devalue.parse("[12345678901234567890123]")
    assert devalue.stringify(big) == "[1.2345678901234568e+22]"


def test_int_subclasses_and_str_subclasses_are_written_as_their_value() -> None:
    class Color(enum.IntEnum):
        RED = 1

    class Name(enum.StrEnum):
        ADA = "ada"

    assert devalue.stringify([Color.RED, Name.ADA]) == '[[1,2],1,"ada"]'


# --- strings and keys ------------------------------------------------------------------------


def test_string_escapes() -> None:
    text = devalue.stringify("</script>\u2028\u2029\ud800x\U0001f600\ud83d\ude00é\x7f")
    assert text == '["\\u003C/script>\\u2028\\u2029\\ud800x😀😀é\x7f"]'


def test_dict_keys_follow_javascript_order() -> None:
    value = {"b": 1, "2": 2, "a": 3, "1": 4, "01": 5, "4294967295": 6, "4294967294": 7}
    slots = json.loads(devalue.stringify(value))
    assert list(slots[0]) == ["1", "2", "4294967294", "b", "a", "01", "4294967295"]
    assert list(devalue.parse(devalue.stringify(value))) == list(slots[0])


def test_dict_subclasses_are_plain_objects() -> None:
    assert devalue.stringify(OrderedDict(a=1)) == '[{"a":1},1]'


# --- undefined and holes ---------------------------------------------------------------------


def test_undefined_and_holes() -> None:
    assert devalue.stringify(UNDEFINED) == "-1"
    assert devalue.stringify([UNDEFINED, HOLE, 1]) == "[[-1,-2,1],1]"
    assert devalue.stringify([HOLE, HOLE]) == "[[-7,2]]"
    assert roundtrip([HOLE, "x", HOLE]) == [HOLE, "x", HOLE]
    assert not UNDEFINED and not HOLE
    assert repr(UNDEFINED) == "UNDEFINED" and repr(HOLE) == "HOLE"


@pytest.mark.parametrize("value", [HOLE, {"a": HOLE}, Set([HOLE]), Map([(1, HOLE)])])
def test_a_hole_outside_a_list_is_refused(value: Any) -> None:
    with pytest.raises(devalue.DevalueError, match="HOLE marks an absent array index"):
        devalue.stringify(value)


# --- dates -------------------------------------------------------------------------------------


def test_aware_datetimes_are_dates_at_millisecond_precision() -> None:
    moment = datetime(2024, 1, 15, 12, 30, 0, 123_999, tzinfo=timezone(timedelta(hours=2)))
    assert devalue.stringify(moment) == '[["Date","2024-01-15T10:30:00.123Z"]]'
    assert roundtrip(moment) == moment.replace(microsecond=123_000)
    assert roundtrip(moment).tzinfo is UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(devalue.DevalueError, match="naive datetime") as caught:
        devalue.stringify({"at": datetime(2024, 1, 1)})
    assert caught.value.path == ".at"


def test_a_date_is_utc_midnight() -> None:
    assert devalue.stringify(date(2024, 2, 29)) == '[["Date","2024-02-29T00:00:00.000Z"]]'
    assert roundtrip(date(2024, 2, 29)) == datetime(2024, 2, 29, tzinfo=UTC)


def test_dates_datetime_cannot_hold() -> None:
    assert devalue.parse('[["Date","+010000-01-01T00:00:00.000Z"]]') == Date(253402300800000)
    assert devalue.parse('[["Date",""]]') == Date(None)
    assert Date(0).to_datetime() == datetime(1970, 1, 1, tzinfo=UTC)
    assert Date(-62198755200000).isoformat() == "-000001-01-01T00:00:00.000Z"
    with pytest.raises(ValueError):
        Date(8_640_000_000_000_001)


# --- Map, Set, objects -----------------------------------------------------------------------


def test_dicts_with_non_str_keys_are_maps() -> None:
    assert devalue.stringify({1: "a", "b": 2}) == '[["Map",1,2,3,4],1,"a","b",2]'
    assert devalue.stringify({}) == "[{}]"
    assert roundtrip({1: "a"}) == Map([(1, "a")])


def test_map_keys_follow_same_value_zero() -> None:
    key: list[int] = []
    lookup: Map[Any, str] = Map([(1, "number"), (True, "bool"), ("1", "str"), (key, "list")])
    lookup[1.0] = "still number"
    lookup[float("nan")] = "nan"
    lookup[float("nan")] = "one nan"
    lookup[-0.0] = "zero"
    assert len(lookup) == 6
    assert lookup[1] == "still number" and lookup[True] == "bool" and lookup[key] == "list"
    assert [] not in lookup and math.copysign(1, next(reversed(list(lookup)))) == 1
    assert lookup == Map(lookup.entries()) and lookup != Map([(1, "x")])
    assert Map({"a": 1}) == {"a": 1}


def test_sets() -> None:
    assert devalue.stringify({3}) == '[["Set",1],3]'
    assert devalue.stringify(frozenset()) == '[["Set"]]'
    members: Set[Any] = Set([1, 1.0, True, [], []])
    assert len(members) == 4 and 1.0 in members and [] not in members
    assert Set([1, 2]) == {1, 2} and Set([True]) != {1}
    recursive: Set[Any] = Set()
    recursive.add(recursive)
    parsed = roundtrip(recursive)
    assert list(parsed) == [parsed]


def test_null_prototype_objects() -> None:
    assert devalue.stringify(NullProtoObject(b=1)) == '[["null","b",1],1]'
    assert type(roundtrip(NullProtoObject(b=1))) is NullProtoObject


def test_proto_keys_and_thenables_are_refused() -> None:
    with pytest.raises(devalue.DevalueError, match="__proto__"):
        devalue.stringify({"__proto__": 1})
    with pytest.raises(devalue.DevalueError, match="thenable"):
        devalue.stringify({"then": print})
    assert devalue.stringify({"then": 1}) == '[{"then":1},1]'


def test_objects_without_a_mapping_are_refused() -> None:
    @dataclass
    class Point:
        x: int

    for value in (Point(1), object(), Exception("x"), range(3), timedelta(1), 1j):
        with pytest.raises(devalue.DevalueError, match="arbitrary non-POJOs"):
            devalue.stringify([value])
    with pytest.raises(devalue.DevalueError, match="a function"):
        devalue.stringify([len])
    with pytest.raises(devalue.DevalueError, match="Symbol"):
        devalue.stringify(Symbol("s"))


# --- regular expressions ---------------------------------------------------------------------


def test_python_patterns() -> None:
    pattern = re.compile("a/b\n", re.I | re.M | re.S)
    assert devalue.stringify(pattern) == '[["RegExp","a\\\\/b\\\\n","ims"]]'
    assert roundtrip(re.compile("")) == RegExp("(?:)")
    assert devalue.stringify(re.compile("x", re.A)) == '[["RegExp","x"]]'


@pytest.mark.parametrize("pattern", [re.compile("x", re.X), re.compile(b"x")])
def test_patterns_without_a_javascript_equivalent_are_refused(pattern: re.Pattern[Any]) -> None:
    with pytest.raises(devalue.DevalueError, match="regular expression"):
        devalue.stringify(pattern)


def test_regexp_text_is_normalised_and_checked() -> None:
    assert RegExp("[/]/a", "mg") == RegExp("[/]\\/a", "gm")
    assert RegExp("[/]/a", "mg").flags == "gm"
    for source, flags in [("(", ""), ("a)", ""), ("*", ""), ("[a", ""), ("a\\", ""), ("a", "gg")]:
        with pytest.raises(ValueError):
            RegExp(source, flags)


# --- binary ------------------------------------------------------------------------------------


def test_bytes_are_uint8_arrays() -> None:
    assert devalue.stringify(b"\x01\x02\x03") == '[["Uint8Array",1],["ArrayBuffer","AQID"]]'
    parsed = roundtrip(bytearray(b"ab"))
    assert type(parsed) is TypedArray and bytes(parsed) == b"ab"
    assert devalue.stringify(memoryview(b"ab")[1:]) == '[["Uint8Array",1],["ArrayBuffer","Yg=="]]'


def test_array_module_arrays_keep_their_element_type() -> None:
    assert devalue.stringify(array.array("h", [10, -1])) == (
        '[["Int16Array",1],["ArrayBuffer","CgD//w=="]]'
    )
    assert roundtrip(array.array("d", [1.5])).tolist() == [1.5]
    with pytest.raises(devalue.DevalueError, match="no JavaScript typed array"):
        devalue.stringify(array.array("u", "x"))


def test_views_share_their_buffer() -> None:
    buffer = ArrayBuffer(b"\x01\x02\x03\x04")
    views = [TypedArray("Uint16Array", buffer, 2, 1), DataView(buffer, 1), buffer]
    parsed = roundtrip(views)
    assert parsed[0].buffer is parsed[1].buffer is parsed[2]
    assert parsed[0].tolist() == [0x0403] and bytes(parsed[1]) == b"\x02\x03\x04"
    with pytest.raises(ValueError, match="multiple of the element size"):
        TypedArray("Uint16Array", buffer, 1)


# --- the rest -----------------------------------------------------------------------------------


def test_boxed_url_params_temporal() -> None:
    value = [
        Boxed("s"),
        URL("https://a.b/"),
        URLSearchParams({"q": "a b~"}),
        Temporal("PlainDate", "2024-01-01"),
    ]
    assert devalue.stringify(value) == (
        '[[1,3,4,5],["Object",2],"s",["URL","https://a.b/"],["URLSearchParams","q=a+b%7E"],'
        '["Temporal.PlainDate","2024-01-01"]]'
    )
    assert roundtrip(value) == value
    assert URLSearchParams("?a=1&a=2&b").get_all("a") == ["1", "2"]
    with pytest.raises(ValueError):
        URL("not a url")


def test_identity_not_equality_decides_sharing() -> None:
    shared = {"x": 1}
    assert devalue.stringify([shared, shared, {"x": 1}]) == '[[1,1,3],{"x":2},1,{"x":2}]'
    parsed = roundtrip([shared, shared])
    assert parsed[0] is parsed[1]


# --- custom types -------------------------------------------------------------------------------


def test_reducers_use_javascript_truthiness() -> None:
    claims_everything_falsy = {"Empty": lambda value: isinstance(value, str) and []}
    assert devalue.stringify("x", claims_everything_falsy) == '[["Empty",1],[]]'
    zero = {"Zero": lambda value: 0 if isinstance(value, int) else None}
    assert devalue.stringify(5, zero) == "[5]"


def test_revivers_take_precedence_and_get_the_payload() -> None:
    revivers = {"Date": lambda text: ("date", text), "Vector": tuple}
    assert devalue.parse('[["Date","x"]]', revivers) == ("date", "x")
    assert devalue.parse('[["Vector",1],[2,3],1,2]', revivers) == (1, 2)
    assert devalue.parse('[["Vector"]]', {"Vector": lambda payload: payload}) is UNDEFINED
    with pytest.raises(devalue.ParseError, match="Unknown type Vector"):
        devalue.parse('[["Vector",1],[]]')


def test_reviver_errors_propagate_unchanged() -> None:
    def broken(payload: object) -> object:
        raise LookupError("mine")

    with pytest.raises(LookupError, match="mine"):
        devalue.parse('[["Vector",1],[]]', {"Vector": broken})


def test_error_attributes() -> None:
    value = {"a": [1, print]}
    with pytest.raises(devalue.DevalueError) as caught:
        devalue.stringify(value)
    error = caught.value
    assert isinstance(error, TypeError)
    assert (str(error), error.path, error.value, error.root) == (
        "Cannot stringify a function",
        ".a[1]",
        print,
        value,
    )
    with pytest.raises(devalue.ParseError) as rejected:
        devalue.parse('[{"a":1},[7]]')
    assert isinstance(rejected.value, ValueError) and rejected.value.slot == 1


def _nested(depth: int, kind: str) -> Any:
    value: Any = [] if kind != "dict" else {}
    for level in range(depth - 1):
        use_list = kind == "list" or (kind == "mixed" and level % 2)
        value = [value] if use_list else {"a": value}
    return value


@pytest.mark.parametrize("kind", ["list", "dict", "mixed"])
@pytest.mark.parametrize("reducers", [None, {"Never": lambda value: None}])
def test_max_depth_counts_every_level(kind: str, reducers: Any) -> None:
    for depth in range(1, 8):
        value = _nested(depth, kind)
        devalue.stringify(value, reducers, max_depth=depth)
        if depth > 1:
            with pytest.raises(devalue.DevalueError, match=f"more than {depth - 1} levels"):
                devalue.stringify(value, reducers, max_depth=depth - 1)


def test_a_view_may_give_only_its_offset() -> None:
    view = devalue.parse('[["Uint16Array",1,2],["ArrayBuffer","AQIDBA=="]]')
    assert (view.byte_offset, view.length, view.tolist()) == (2, 1, [0x0403])
    assert devalue.stringify(view) == '[["Uint16Array",1,2,1],["ArrayBuffer","AQIDBA=="]]'
    with pytest.raises(devalue.ParseError, match="whole number"):
        devalue.parse('[["Uint16Array",1],["ArrayBuffer","AQID"]]')
