"""Content negotiation: which of our media types a request's ``Accept`` header prefers, and
what media type a ``Content-Type`` header names.

Pure functions on header strings. The parser is hand-written (``str.split`` and
``str.partition``, no regular expressions) so that its cost stays linear in the length of the
header whatever a client sends.

Ranking follows SvelteKit's ``negotiate`` (``utils/http.js``) — quality first, then
specificity (``type/sub`` before ``type/*`` before ``*/*``), then the order of the header —
with two corrections taken from RFC 9110 §12.5.1 that SvelteKit does not make:

- each of our types takes its quality from the *most specific* range that matches it, so
  ``text/html;q=0.1, */*`` prefers anything over ``text/html``;
- a quality of 0 means "not acceptable": ``text/html;q=0, */*`` never picks ``text/html``.

Media ranges and types are compared case-insensitively (RFC 9110 §8.3.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["is_content_type", "media_type", "negotiate"]

# RFC 9110 §5.6.2 token characters; a media range with anything else in it is ignored.
_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_OWS = " \t"
_DIGITS = frozenset("0123456789")


class _Range(NamedTuple):
    type: str
    subtype: str
    q: float
    position: int

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2


def _is_token(value: str) -> bool:
    return bool(value) and all(char in _TCHAR for char in value)


def _parse_q(value: str) -> float | None:
    """A weight as a float in [0, 1], or None when it is not a number in that range."""
    whole, dot, fraction = value.partition(".")
    if not whole or not all(char in _DIGITS for char in whole):
        return None
    if dot and fraction and not all(char in _DIGITS for char in fraction):
        return None
    q = float(whole + "." + (fraction or "0"))
    return q if q <= 1 else None


def _parse_range(part: str, index: int) -> _Range | None:
    media, *params = part.split(";")
    type_, slash, subtype = media.strip(_OWS).partition("/")
    type_, subtype = type_.lower(), subtype.lower()
    if not slash or not _is_token(type_) or not _is_token(subtype):
        return None
    if type_ == "*" and subtype != "*":
        return None
    q = 1.0
    for param in params:
        name, equals, value = param.partition("=")
        if equals and name.strip(_OWS).lower() == "q":
            parsed = _parse_q(value.strip(_OWS))
            if parsed is None:
                return None
            q = parsed
    return _Range(type_, subtype, q, index)


def _parse_accept(accept: str) -> list[_Range]:
    ranges = []
    for index, part in enumerate(accept.split(",")):
        parsed = _parse_range(part, index)
        if parsed is not None:
            ranges.append(parsed)
    return ranges


def _best_range(ranges: Sequence[_Range], type_: str, subtype: str) -> _Range | None:
    """The most specific range matching ``type_/subtype``; among equals, the highest weight."""
    best: _Range | None = None
    for candidate in ranges:
        if candidate.type not in ("*", type_) or candidate.subtype not in ("*", subtype):
            continue
        if best is None or (candidate.specificity, candidate.q) > (best.specificity, best.q):
            best = candidate
    return best


def negotiate(accept: str | None, types: Sequence[str]) -> str | None:
    """Pick the entry of ``types`` that the ``Accept`` header ``accept`` prefers.

    ``types`` are the media types the server can produce, most preferred first; ties go to the
    earlier one. A missing or empty header accepts anything (``*/*``). Returns the chosen entry
    of ``types`` exactly as given, or None when the header accepts none of them (including a
    header in which no entry is a valid ``type/subtype``).

    >>> negotiate("text/html,*/*;q=0.8", ["application/json", "text/html"])
    'text/html'
    """
    ranges = _parse_accept(accept) if accept and accept.strip(_OWS) else [_Range("*", "*", 1, 0)]

    best_type: str | None = None
    best_key: tuple[float, int, int] | None = None
    for candidate in types:
        type_, slash, subtype = candidate.lower().partition("/")
        if not slash:
            raise ValueError(
                f"negotiate() got {candidate!r} as a server media type; "
                "write it as 'type/subtype', for example 'text/html'"
            )
        match = _best_range(ranges, type_, subtype)
        if match is None or match.q == 0:
            continue
        # Larger is better: quality, then specificity, then earlier in the header.
        key = (match.q, match.specificity, -match.position)
        if best_key is None or key > best_key:
            best_type, best_key = candidate, key
    return best_type


def media_type(content_type: str | None) -> str | None:
    """The bare, lower-cased media type of a ``Content-Type`` value, or None if it has none.

    >>> media_type("Text/HTML; charset=UTF-8")
    'text/html'
    """
    if content_type is None:
        return None
    bare = content_type.partition(";")[0].strip().lower()
    return bare or None


def is_content_type(content_type: str | None, *types: str) -> bool:
    """Whether the ``Content-Type`` value names one of ``types`` (parameters and case ignored)."""
    actual = media_type(content_type)
    return actual is not None and any(actual == expected.lower() for expected in types)
