"""Parsing of size settings such as ``body_size_limit = "512K"`` or ``BODY_SIZE_LIMIT=Infinity``.

The accepted forms are those of SvelteKit's adapter-node: a whole number of bytes, a whole
number with a ``K``, ``M`` or ``G`` suffix (powers of 1024), or ``Infinity`` for no limit.
Anything else is a configuration mistake, reported when the setting is read rather than
guessed at, so that a typo never silently lifts or tightens a limit.
"""

from __future__ import annotations

__all__ = ["DEFAULT_BODY_SIZE_LIMIT", "parse_size"]

#: The default request body limit, 512 KiB, as in SvelteKit's adapter-node.
DEFAULT_BODY_SIZE_LIMIT = 512 * 1024

_MULTIPLIERS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def _is_ascii_digits(value: str) -> bool:
    # str.isdigit alone would also accept "²" and "١٢"; the length cap keeps int() away from
    # Python's limit on digits (and no real size needs more than a handful).
    return len(value) <= 30 and value.isascii() and value.isdigit()


def parse_size(value: str | int | None, *, setting: str = "body_size_limit") -> int | None:
    """A size setting in bytes, or None for no limit.

    ``value`` is an ``int`` (bytes), a string of digits (``"1048576"``), digits followed by
    ``K``, ``M`` or ``G`` in either case (``"512K"``, ``"10m"``), or ``"Infinity"``; surrounding
    whitespace is ignored. ``None`` is passed through as "no limit", so apply the setting's
    default (``DEFAULT_BODY_SIZE_LIMIT``) *before* calling this for a value that was not given.

    Raises ``ValueError`` naming ``setting`` for anything else: negative numbers, fractions
    (``"1.5K"``), unknown suffixes (``"12X"``), the empty string.
    """
    if value is None:
        return None
    # bool is a subclass of int, but `body_size_limit = true` is a mistake, not 1 byte.
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 0:
            return value
    elif isinstance(value, str):
        text = value.strip()
        if text.lower() == "infinity":
            return None
        if _is_ascii_digits(text):
            return int(text)
        number, suffix = text[:-1], text[-1:].upper()
        if suffix in _MULTIPLIERS and _is_ascii_digits(number):
            return int(number) * _MULTIPLIERS[suffix]
    raise ValueError(
        f"Invalid {setting} {value!r}: use a number of bytes, a number with a K, M or G suffix "
        "(512K), or Infinity for no limit"
    )
