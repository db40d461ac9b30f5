"""Messages for people (kite.forms.messages): each pydantic error type worded, context filled."""

from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from kite.forms.messages import MESSAGES, default_message


class Sample(BaseModel):
    short: str = Field(min_length=8)
    long: str = Field(max_length=3)
    whole: int = Field(ge=13, le=130)
    ratio: float = Field(gt=0, lt=1)
    money: Decimal = Field(decimal_places=2)
    choice: Literal["a", "b"]
    coded: str = Field(pattern=r"^\d+$")


def errors_of(**values: Any) -> dict[str, str]:
    """The default message of each error pydantic raises for these values."""
    valid = {
        "short": "long enough",
        "long": "abc",
        "whole": 20,
        "ratio": 0.5,
        "money": "1.00",
        "choice": "a",
        "coded": "1",
    }
    try:
        Sample.model_validate({**valid, **values})
    except ValidationError as exc:
        return {
            str(error["loc"][0]): default_message(error["type"], error.get("ctx") or {})
            for error in exc.errors()
        }
    return {}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"short": "abc"}, "Use at least 8 characters."),
        ({"long": "abcd"}, "Use at most 3 characters."),
        ({"whole": 12}, "Enter a number of at least 13."),
        ({"whole": 131}, "Enter a number of at most 130."),
        ({"whole": "twelve"}, "Enter a whole number."),
        ({"whole": "1.5"}, "Enter a whole number."),
        ({"ratio": 0}, "Enter a number greater than 0."),
        ({"ratio": 1}, "Enter a number less than 1."),
        ({"ratio": "x"}, "Enter a number."),
        ({"money": "1.234"}, "Use at most 2 decimal places."),
        ({"money": "NaN"}, "Enter a finite number."),
        ({"choice": "c"}, "Choose one of the options."),
        ({"coded": "12a"}, "This is not in the expected format."),
        ({"whole": "9" * 5000}, "Enter a smaller number."),
    ],
)
def test_pydantic_errors_in_plain_words(values: dict[str, Any], message: str) -> None:
    (field,) = values
    assert errors_of(**values) == {field: message}


def test_missing_and_duplicated_fields() -> None:
    assert default_message("missing", {}) == "This field is required."
    assert default_message("multiple_values", {}) == "Send one value for this field, not several."


def test_whole_floats_read_as_integers() -> None:
    assert default_message("greater_than_equal", {"ge": 8.0}) == "Enter a number of at least 8."
    assert default_message("greater_than_equal", {"ge": 0.5}) == "Enter a number of at least 0.5."


def test_an_apps_own_value_error_is_its_message() -> None:
    assert default_message("value_error", {"error": ValueError("Pick a later date.")}) == (
        "Pick a later date."
    )


def test_unknown_types_and_broken_contexts_fall_back() -> None:
    assert default_message("some_future_type", {}) == "This value is not valid."
    # A context without the placeholder the template needs: the fallback, not a KeyError.
    assert default_message("string_too_short", {}) == "This value is not valid."
    assert default_message("value_error", {}) == "This value is not valid."


def test_every_message_is_a_sentence() -> None:
    for error_type, message in MESSAGES.items():
        assert message[0].isupper() and message.endswith("."), error_type


@pytest.mark.parametrize(
    ("error_type", "context", "expected"),
    [
        ("string_too_short", {"min_length": 1}, "Use at least 1 character."),
        ("string_too_short", {"min_length": 2}, "Use at least 2 characters."),
        ("string_too_long", {"max_length": 1}, "Use at most 1 character."),
        ("too_short", {"min_length": 1}, "Choose at least 1 item."),
        ("too_long", {"max_length": 3}, "Choose at most 3 items."),
    ],
)
def test_counts_of_one_read_in_the_singular(
    error_type: str, context: dict[str, int], expected: str
) -> None:
    assert default_message(error_type, context) == expected
