"""Security headers on HTML responses, on by default, changed or removed in `kite.toml`:

```toml
[security.headers]
X-Frame-Options = "DENY"            # a string replaces the default (or adds a header)
Referrer-Policy = false             # false removes it
```

The list is checked and encoded once, when the settings are read; per response the work is
one pass over the response's own headers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from starlette.responses import Response

from kite.exceptions import KiteError

__all__ = [
    "DEFAULT_HEADERS",
    "RawHeaders",
    "add_security_headers",
    "encode_headers",
    "security_headers",
]

RawHeaders = tuple[tuple[bytes, bytes], ...]

DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    # Both framing policies: X-Frame-Options for old browsers, frame-ancestors for the rest.
    ("x-frame-options", "SAMEORIGIN"),
    ("content-security-policy", "frame-ancestors 'self'"),
)

_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")


def security_headers(overrides: Mapping[str, Any], path: Path) -> tuple[tuple[str, str], ...]:
    """The defaults with `[security.headers]` of `path` applied: a string sets a header,
    `false` removes it."""
    headers = dict(DEFAULT_HEADERS)
    for name, value in overrides.items():
        key = name.lower()
        if not key or not set(key) <= _TOKEN:
            raise KiteError(
                f"{path}: security.headers: {name!r} is not a valid header name (letters, "
                "digits and -, e.g. X-Frame-Options)"
            )
        if value is False:
            headers.pop(key, None)
        elif isinstance(value, str) and _valid_value(value):
            headers[key] = value
        else:
            raise KiteError(
                f"{path}: security.headers.{name} must be a header value (a string on one "
                f"line, latin-1) or false to remove the header, not {value!r}"
            )
    return tuple(headers.items())


def _valid_value(value: str) -> bool:
    if value != value.strip() or not value:
        return False
    if any(ch in value for ch in "\r\n\x00"):
        return False
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def encode_headers(headers: tuple[tuple[str, str], ...]) -> RawHeaders:
    return tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in headers)


def add_security_headers(
    response: Response,
    headers: RawHeaders,
    *,
    kept: Collection[str] = (),
    html_only: bool = True,
) -> Response:
    """Add `headers` to an HTML response (any response when not `html_only`), except those
    the response already has or whose name is in `kept` (set later by `event.set_headers`)."""
    raw = response.raw_headers
    if html_only and not _is_html(raw):
        return response
    present = {name for name, _ in raw}
    if kept:
        present.update(name.encode("latin-1") for name in kept)
    raw.extend([header for header in headers if header[0] not in present])
    return response


def _is_html(raw: list[tuple[bytes, bytes]]) -> bool:
    for name, value in raw:
        if name == b"content-type":
            return value[:9].lower() == b"text/html"
    return False
