"""URL text checks and the application/x-www-form-urlencoded rules of URLSearchParams."""

from __future__ import annotations

import re
import string
from typing import Final
from urllib.parse import unquote_to_bytes

__all__ = ["check_href", "parse_search_params", "serialize_search_params"]

_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_SPECIAL_SCHEMES: Final = frozenset({"http", "https", "ws", "wss", "ftp"})
_FORBIDDEN: Final = re.compile(r"[\x00-\x20\x7f]")
# WHATWG's form-urlencoded set leaves only these bytes unescaped (so "~" is escaped,
# unlike in urllib.parse.quote).
_SAFE_BYTES: Final = frozenset((string.ascii_letters + string.digits + "*-._").encode())
_BYTE_TEXT: Final = tuple(
    chr(byte) if byte in _SAFE_BYTES else "+" if byte == 0x20 else f"%{byte:02X}"
    for byte in range(256)
)


def check_href(href: str) -> None:
    """Reject text that cannot be a serialised URL (an ``href``)."""
    match = _SCHEME.match(href)
    if match is None:
        raise ValueError(f"Invalid URL {href!r}: it has no scheme")
    if _FORBIDDEN.search(href):
        raise ValueError(f"Invalid URL {href!r}: it contains whitespace or control characters")
    if match.group(1).lower() in _SPECIAL_SCHEMES:
        rest = href[match.end() :]
        if not rest.startswith("//") or rest[2:3] in ("", "/", "?", "#"):
            raise ValueError(f"Invalid URL {href!r}: it has no host")


def _usv_bytes(text: str) -> bytes:
    # A JavaScript USVString turns lone surrogates into U+FFFD before encoding.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode()


def _encode(text: str) -> str:
    data = text.encode() if text.isascii() else _usv_bytes(text)
    return "".join([_BYTE_TEXT[byte] for byte in data])


def serialize_search_params(pairs: tuple[tuple[str, str], ...]) -> str:
    """``URLSearchParams.prototype.toString``."""
    return "&".join(_encode(name) + "=" + _encode(value) for name, value in pairs)


def _decode(text: str) -> str:
    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8", "replace")


def parse_search_params(text: str) -> tuple[tuple[str, str], ...]:
    """The name/value pairs of ``new URLSearchParams(text)``."""
    if text.startswith("?"):
        text = text[1:]
    pairs: list[tuple[str, str]] = []
    for part in text.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((_decode(name), _decode(value)))
    return tuple(pairs)
