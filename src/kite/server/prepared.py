"""Responses whose headers are known in advance: a page, an action result. Starlette's
`Response` works its headers out from arguments on every call (lower-casing, encoding, a
content type with its charset); these start from header lines made once."""

from __future__ import annotations

import functools

from starlette.responses import Response

from kite.exceptions import Redirect

__all__ = ["PageResponse", "json_response", "page_response", "redirect_response"]

RawHeaders = tuple[tuple[bytes, bytes], ...]

_HTML_HEADERS: RawHeaders = ((b"content-type", b"text/html; charset=utf-8"),)


class PreparedResponse(Response):
    """A `Response` made from a body and finished header lines; `headers` and `raw_headers`
    behave as on any Starlette response (the security headers and cookies are added to
    them afterwards)."""

    def __init__(self, body: bytes, status_code: int, raw_headers: RawHeaders) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        # As Starlette: no Content-Length where HTTP forbids a body.
        if status_code < 200 or status_code in (204, 304):
            self.raw_headers = list(raw_headers)
        else:
            length = (b"content-length", str(len(body)).encode("latin-1"))
            self.raw_headers = [length, *raw_headers]


class PageResponse(PreparedResponse):
    """A page rendered as asked: not an error page, not a redirect."""


def page_response(document: str, status_code: int) -> PageResponse:
    """`HTMLResponse(document, status_code=status_code)`, with the same header lines."""
    return PageResponse(document.encode("utf-8"), status_code, _HTML_HEADERS)


def json_response(body: bytes, status_code: int, version: str) -> Response:
    """An action result: JSON, with the app's version for SvelteKit's client."""
    return PreparedResponse(body, status_code, _json_headers(version))


@functools.lru_cache(maxsize=16)  # one version per app
def _json_headers(version: str) -> RawHeaders:
    return (
        (b"content-type", b"application/json"),
        (b"x-sveltekit-version", version.encode("latin-1")),
    )


def redirect_response(exc: Redirect) -> Response:
    """The real 3xx for a redirect: its status, `Location`, and no body."""
    return Response(status_code=exc.status, headers={"location": exc.location})
