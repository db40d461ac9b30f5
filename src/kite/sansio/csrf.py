"""The cross-site form submission check, as a pure decision on a request's headers.

A browser lets any site submit an HTML form to any other site, cookies included; what it
cannot forge is the ``Origin`` header. So a state-changing request that a plain form could have
sent (a form content type, or none at all) is refused unless its ``Origin`` is the app's own
origin or one the app trusts. JSON requests are not checked: a cross-site page cannot send
them without CORS, which Kite does not grant.

Working out the app's own origin (the ``origin`` setting, else the request URL behind trusted
proxies) and building the 403 response are the caller's job; ``origin_of`` normalises a URL
into the form browsers put in ``Origin``.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from kite.sansio.negotiation import media_type

__all__ = [
    "FORM_CONTENT_TYPES",
    "forbidden_message",
    "is_forbidden",
    "is_forbidden_type",
    "origin_of",
]

#: The content types an HTML ``<form>`` can send without JavaScript (its ``enctype`` values),
#: plus the binary form encoding SvelteKit's client runtime uses.
FORM_CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "application/x-sveltekit-formdata",
)

_MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_forbidden(
    *,
    method: str,
    content_type: str | None,
    origin: str | None,
    own_origin: str,
    trusted_origins: Collection[str],
) -> bool:
    """Whether a request must be refused as a cross-site form submission.

    True when all of these hold: the method is POST, PUT, PATCH or DELETE; the
    ``Content-Type`` is absent (or blank) or one of ``FORM_CONTENT_TYPES``; the ``Origin``
    header differs from ``own_origin``; and it is missing or not in ``trusted_origins``.
    Origins are compared as exact strings (``https://a.example.com.evil.com`` is not
    ``https://a.example.com``); there are no wildcards.
    """
    return is_forbidden_type(
        method=method,
        media_type=media_type(content_type),
        origin=origin,
        own_origin=own_origin,
        trusted_origins=trusted_origins,
    )


def is_forbidden_type(
    *,
    method: str,
    media_type: str | None,
    origin: str | None,
    own_origin: str,
    trusted_origins: Collection[str],
) -> bool:
    """`is_forbidden` for a body whose bare, lower-cased media type is already known (None
    without a Content-Type), as the request's classification holds it."""
    # The cheapest test first: a form posted from the app's own pages has its origin.
    if origin and origin == own_origin:
        return False
    if method.upper() not in _MUTATING_METHODS:
        return False
    if media_type is not None and media_type not in FORM_CONTENT_TYPES:
        return False
    # An empty Origin header proves nothing, so it counts as missing.
    return not origin or origin not in trusted_origins


def forbidden_message(method: str) -> str:
    """The body of the 403 response: ``Cross-site POST form submissions are forbidden``."""
    return f"Cross-site {method.upper()} form submissions are forbidden"


def origin_of(url: str) -> str:
    """The origin of an absolute URL as a browser writes it in ``Origin``.

    Lower-cases the scheme and host and drops the port when it is the scheme's default:
    ``origin_of("HTTPS://Example.com:443/login?x=1")`` is ``"https://example.com"``.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"Cannot take the origin of {url!r}: {exc}") from None
    host = parts.hostname
    scheme = parts.scheme.lower()
    if not scheme or not host:
        raise ValueError(
            f"Cannot take the origin of {url!r}: write an absolute URL with a scheme and a host, "
            "for example 'https://example.com'"
        )
    if ":" in host:
        # urlsplit drops the brackets of an IPv6 literal; Origin keeps them.
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
