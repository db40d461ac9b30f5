"""Writing strings and numbers exactly as devalue (and JavaScript) writes them."""

from __future__ import annotations

import json.encoder
import re
from typing import Final

__all__ = [
    "MAX_SAFE_INTEGER",
    "encode_json_string",
    "escape",
    "finish_output",
    "format_float",
    "format_int",
    "json_quote",
    "key_segment",
]

MAX_SAFE_INTEGER: Final = 2**53 - 1

encode_json_string: Final = json.encoder.encode_basestring
"""JSON.stringify's quoting of a string (json's C accelerator when present): non-ASCII
raw, which is devalue's rule apart from the few characters patched below."""

_NEEDS_PATCH = re.compile("[<\u2028\u2029\ud800-\udfff]")
_PATCH = re.compile("[\ud800-\udbff][\udc00-\udfff]|[<\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_OR_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_IDENTIFIER = re.compile(r"[a-zA-Z_$][a-zA-Z_$0-9]*\Z")


def _patch(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) == 2:
        # A Python string may hold a UTF-16 pair as two code points; JavaScript sees one
        # character there and writes it raw, so join the pair instead of escaping it.
        high, low = ord(text[0]), ord(text[1])
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    if text == "<":
        return "\\u003C"
    return f"\\u{ord(text):04x}"


def escape(text: str) -> str:
    """Quote *text* as devalue does: JSON escapes, ``<`` as ``\\u003C``, U+2028/U+2029 and
    lone surrogates as ``\\uXXXX``, everything else raw."""
    quoted: str = encode_json_string(text)
    if text.isascii():
        return quoted.replace("<", "\\u003C")
    if _NEEDS_PATCH.search(quoted) is None:
        return quoted
    return _PATCH.sub(_patch, quoted)


def finish_output(text: str) -> str:
    """Apply devalue's extra escapes to a whole slot table written with
    `encode_json_string`. That is sound because ``<``, U+2028, U+2029 and surrogates can
    only occur inside JSON strings, and every string devalue writes gets these escapes."""
    text = text.replace("<", "\\u003C")
    if text.isascii() or _NEEDS_PATCH.search(text) is None:
        return text
    return _PATCH.sub(_patch, text)


def json_quote(text: str) -> str:
    """Quote *text* as plain ``JSON.stringify`` does (used in error paths)."""
    quoted: str = encode_json_string(text)
    if text.isascii() or _SURROGATE.search(quoted) is None:
        return quoted
    return _SURROGATE_OR_PAIR.sub(_patch, quoted)


def key_segment(key: str) -> str:
    """The error-path segment for an object key: ``.name`` or ``["other key"]``."""
    if _IDENTIFIER.match(key):
        return "." + key
    return "[" + json_quote(key) + "]"


def format_int(value: int) -> str:
    """Decimal digits of an int; ``int.__repr__`` so that int subclasses (enums) print as
    numbers."""
    return int.__repr__(value)


def format_float(value: float) -> str:
    """Write a finite float other than -0.0 as JavaScript's ``String(number)`` does."""
    if value.is_integer() and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return int.__repr__(int(value))
    text = float.__repr__(value)
    if "e" not in text:
        # Python and JavaScript agree on fixed notation between 1e-4 and 1e16, except
        # that Python marks an integral float with ".0".
        return text[:-2] if text.endswith(".0") else text
    return _exponent_form(text)


def _exponent_form(text: str) -> str:
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # value == 0.<digits> * 10**n, as in the ECMAScript Number::toString algorithm.
    n = len(whole) + int(exponent) - (len(whole) + len(fraction) - len(digits))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + head + ("e+" if e >= 0 else "e-") + str(abs(e))
