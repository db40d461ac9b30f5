"""Field names as paths (kite.forms.names): what a flat HTML name means to a typed form."""

import pytest

from kite.forms.names import APPEND, HUGE_INDEX, format_path, parse_name


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("email", ("email",)),
        ("first-name", ("first-name",)),
        ("address.city", ("address", "city")),
        ("customer.address.zip", ("customer", "address", "zip")),
        ("items[0].qty", ("items", 0, "qty")),
        ("items[12]", ("items", 12)),
        ("tags[]", ("tags", APPEND)),
        ("grid[1][2]", ("grid", 1, 2)),
        ("items[].qty", ("items", APPEND, "qty")),
    ],
)
def test_names_become_paths_and_back(name: str, path: tuple[object, ...]) -> None:
    assert parse_name(name) == path
    assert format_path(parse_name(name) or ()) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "1abc",
        ".email",
        "email.",
        "email..x",
        "items[-1]",
        "items[a]",
        "items[0",
        "items]0[",
        "a b",
        "__proto__[constructor]",
        "email\x00",
        "émail",
    ],
)
def test_names_a_typed_form_does_not_understand_are_none(name: str) -> None:
    assert parse_name(name) is None


def test_an_index_of_ten_digits_or_more_is_huge_without_being_converted() -> None:
    assert parse_name("items[999999999].x") == ("items", 999_999_999, "x")
    assert parse_name("items[1000000000].x") == ("items", HUGE_INDEX, "x")
    # int() of 100,000 digits raises ValueError (Python's 4,300-digit limit): no conversion.
    assert parse_name("items[" + "7" * 100_000 + "].x") == ("items", HUGE_INDEX, "x")


def test_long_hostile_names_are_parsed_or_refused_in_one_pass() -> None:
    deep = "a" + ".b" * 1000
    path = parse_name(deep)
    assert path is not None and len(path) == 1001
    assert parse_name("a" + "[]" * 50_000 + "!") is None
    assert parse_name("a." * 50_000 + "!") is None


def test_format_path_writes_append_and_indexes() -> None:
    assert format_path(("items", 3, "qty")) == "items[3].qty"
    assert format_path(("tags", APPEND)) == "tags[]"
    assert repr(APPEND) == "APPEND"
