"""Parsing of size settings such as BODY_SIZE_LIMIT."""

from __future__ import annotations

import pytest

from kite.sansio.limits import DEFAULT_BODY_SIZE_LIMIT, parse_size


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (10, 10),
        (524_288, 524_288),
        ("0", 0),
        ("1048576", 1_048_576),
        ("512K", 512 * 1024),
        ("512k", 512 * 1024),
        ("10M", 10 * 1024**2),
        ("10m", 10 * 1024**2),
        ("2G", 2 * 1024**3),
        ("2g", 2 * 1024**3),
        ("0K", 0),
        ("  64K \t", 64 * 1024),
        (" 100 ", 100),
    ],
)
def test_sizes(value: str | int, expected: int) -> None:
    assert parse_size(value) == expected


@pytest.mark.parametrize("value", ["Infinity", "infinity", "INFINITY", " Infinity "])
def test_infinity_means_no_limit(value: str) -> None:
    assert parse_size(value) is None


def test_none_passes_through_as_no_limit() -> None:
    assert parse_size(None) is None


def test_default_is_512k() -> None:
    assert parse_size("512K") == DEFAULT_BODY_SIZE_LIMIT


@pytest.mark.parametrize(
    "value",
    [
        -1,
        "-1",
        "-1K",
        "+5",
        "12X",
        "1.5K",
        "1.5",
        "1e6",
        "",
        "   ",
        "K",
        "512 K",
        "512KB",
        "0x10",
        "1_000",
        "²",
        "١٢",
        "Inf",
        "NaN",
        "9" * 5000,
        True,
        False,
        1.5,
    ],
)
def test_invalid_values_raise(value: object) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_size(value)  # type: ignore[arg-type]
    message = str(excinfo.value)
    assert message.startswith("Invalid body_size_limit ")
    assert "K, M or G suffix (512K)" in message
    assert "Infinity for no limit" in message


def test_error_message_names_setting_and_value() -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_size("12X")
    assert str(excinfo.value) == (
        "Invalid body_size_limit '12X': use a number of bytes, a number with a K, M or G suffix "
        "(512K), or Infinity for no limit"
    )


def test_error_message_uses_the_given_setting_name() -> None:
    with pytest.raises(ValueError, match=r"^Invalid BODY_SIZE_LIMIT -5: "):
        parse_size(-5, setting="BODY_SIZE_LIMIT")
