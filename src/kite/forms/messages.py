"""Messages for people, not programmers: pydantic's errors as a form shows them.

pydantic says "String should have at least 8 characters"; a form should say "Use at least 8
characters." Each error type has a message here, with the error's context (`min_length`,
`ge`...) filled in. An app translates or rewrites them with `form_error_message` in
`hooks.server.py` (see docs/typed-forms.md); the texts below are the English fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MESSAGES", "SINGULAR", "default_message", "message_template"]

MESSAGES: Mapping[str, str] = {
    "missing": "This field is required.",
    "multiple_values": "Send one value for this field, not several.",
    "string_too_short": "Use at least {min_length} characters.",
    "string_too_long": "Use at most {max_length} characters.",
    "string_pattern_mismatch": "This is not in the expected format.",
    "string_type": "Enter text.",
    "int_parsing": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_parsing_size": "Enter a smaller number.",
    "float_parsing": "Enter a number.",
    "float_type": "Enter a number.",
    "decimal_parsing": "Enter a number.",
    "decimal_type": "Enter a number.",
    "decimal_max_places": "Use at most {decimal_places} decimal places.",
    "decimal_max_digits": "Use at most {max_digits} digits.",
    "finite_number": "Enter a finite number.",
    "greater_than": "Enter a number greater than {gt}.",
    "greater_than_equal": "Enter a number of at least {ge}.",
    "less_than": "Enter a number less than {lt}.",
    "less_than_equal": "Enter a number of at most {le}.",
    "multiple_of": "Enter a multiple of {multiple_of}.",
    "bool_parsing": "Choose yes or no.",
    "enum": "Choose one of the options.",
    "literal_error": "Choose one of the options.",
    "too_short": "Choose at least {min_length} items.",
    "too_long": "Choose at most {max_length} items.",
    "list_type": "Choose from the options.",
    "date_parsing": "Enter a date.",
    "date_from_datetime_parsing": "Enter a date.",
    "date_type": "Enter a date.",
    "datetime_parsing": "Enter a date and time.",
    "datetime_from_date_parsing": "Enter a date and time.",
    "datetime_type": "Enter a date and time.",
    "time_parsing": "Enter a time.",
    "url_parsing": "Enter a web address (https://…).",
    "url_scheme": "Enter a web address (https://…).",
    "uuid_parsing": "This is not a valid identifier.",
    "model_type": "This field has the wrong shape.",
    "model_attributes_type": "This field has the wrong shape.",
    "dict_type": "This field has the wrong shape.",
    "is_instance_of": "Choose a file.",
}

# The same messages when their count is 1 ("Use at least 1 character.").
SINGULAR: Mapping[str, tuple[str, str]] = {
    "string_too_short": ("min_length", "Use at least {min_length} character."),
    "string_too_long": ("max_length", "Use at most {max_length} character."),
    "too_short": ("min_length", "Choose at least {min_length} item."),
    "too_long": ("max_length", "Choose at most {max_length} item."),
}

_FALLBACK = "This value is not valid."


def message_template(error_type: str, context: Mapping[str, Any]) -> str | None:
    """The English template of an error type for this context (its gettext msgid); None
    for a type without one."""
    singular = SINGULAR.get(error_type)
    if singular is not None and context.get(singular[0]) == 1:
        return singular[1]
    return MESSAGES.get(error_type)


def default_message(error_type: str, context: Mapping[str, Any]) -> str:
    """The English message for a pydantic error type, its context filled in."""
    if error_type in ("value_error", "assertion_error"):
        # The app's own validator raised ValueError("…"): its text is the message.
        error = context.get("error")
        if error is not None and str(error):
            return str(error)
    template = message_template(error_type, context)
    if template is None:
        return _FALLBACK
    try:
        return template.format_map({key: _plain(value) for key, value in context.items()})
    except (KeyError, IndexError, ValueError):
        return _FALLBACK


def _plain(value: Any) -> Any:
    # 8.0 reads worse than 8 in "Enter a number of at least 8".
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
