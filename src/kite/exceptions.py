"""What can go wrong, and the helpers that say so.

Exceptions users raise (through the helpers) or catch::

    HttpError        error(status, message) — an expected error with a public body
    Redirect         redirect(status, location) — leave this page
    ActionFailure    fail(status, data) — returned (not raised) by actions on invalid input
    RequestError     Kite's own 400/404/405/413/415 for requests it cannot serve as sent
    KiteError        a mistake in the app itself (routes, modules, settings); names the file

`ActionFailure` is an exception only so that `raise fail(...)` can be caught and explained.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any, NoReturn

from kite._current import event_var

__all__ = [
    "ActionFailure",
    "HttpError",
    "KiteError",
    "Redirect",
    "RequestError",
    "error",
    "fail",
    "invalid",
    "is_action_failure",
    "is_http_error",
    "is_redirect",
    "reason_phrase",
    "redirect",
]

# SvelteKit's public texts; Python's HTTPStatus phrases differ between versions (413).
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Error",
}


def reason_phrase(status: int) -> str:
    """The public text for a status: `Not Found`, `Payload Too Large`, `Internal Error`."""
    if status in _REASONS:
        return _REASONS[status]
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Internal Error" if status >= 500 else "Error"


class KiteError(Exception):
    """A mistake in the application: a route folder, a server module, a setting.

    The message names the file and says how to fix it.
    """


class HttpError(Exception):
    """An expected error raised by `error(...)`; its body is sent to the client as given."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body

    @property
    def message(self) -> str:
        return str(self.body.get("message", ""))

    def __repr__(self) -> str:
        return f"HttpError({self.status}, {self.body!r})"


class RequestError(Exception):
    """Kite's own error for a request it cannot serve as sent (400, 404, 405, 413, 415).

    `str(error)` is the detail (`No action with name 'x' found`); the public message is the
    reason phrase (`Not Found`) unless `handle_error` says otherwise.
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        hint: str | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        # Under `kite dev` only: what to do about it, for the log and the error page.
        self.hint = hint

    @property
    def text(self) -> str:
        return reason_phrase(self.status)


class Redirect(Exception):
    """Raised by `redirect(...)`: answer with `status` and a `Location` header."""

    def __init__(self, status: int, location: str) -> None:
        super().__init__(f"Redirect({status}, {location!r})")
        self.status = status
        self.location = location


class ActionFailure(Exception):
    """What `fail(...)` returns: the action did not succeed, the page shows `data`."""

    def __init__(self, status: int, data: Any = None) -> None:
        super().__init__(f"ActionFailure({status})")
        self.status = status
        self.data = data

    def __repr__(self) -> str:
        return f"ActionFailure({self.status}, {self.data!r})"


def fail(status: int, data: Any = None) -> ActionFailure:
    """Return this from an action when the submitted data is invalid.

    The page re-renders with `form` set to `data` and the HTTP status `status` (400–599)::

        if not email:
            return fail(400, {"email": email, "missing": True})
    """
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        raise ValueError(
            f"fail() needs an HTTP error status between 400 and 599 — {status!r} is invalid. "
            "Use 400 for invalid input, 422 if you prefer, or 409 for a conflict."
        )
    return ActionFailure(status, data)


_warned_invalid = False


def invalid(status: int, data: Any = None) -> ActionFailure:
    """Deprecated alias of `fail` (SvelteKit's pre-1.0 name). Warns once."""
    global _warned_invalid
    if not _warned_invalid:
        _warned_invalid = True
        warnings.warn(
            "invalid(...) is deprecated: use fail(...) instead (same arguments).",
            DeprecationWarning,
            stacklevel=2,
        )
    return fail(status, data)


def error(status: int, message: str | None = None, **props: Any) -> NoReturn:
    """Raise an expected HTTP error; the nearest `+error.html` renders it.

    The public body is `{"message": message, "status": status, **props}`::

        error(404, "Not found", code="NO_SUCH_POST")
    """
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        raise ValueError(
            f"HTTP error status codes must be between 400 and 599 — {status!r} is invalid"
        )
    if message is None:
        message = f"Error: {status}"
    body: dict[str, Any] = {"message": message, "status": status}
    body.update({key: value for key, value in props.items() if key not in body})
    raise HttpError(status, body)


# Characters a header value cannot hold (control characters, anything outside latin-1).
_HEADER_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_URL_WHITESPACE = re.compile(r"[\t\n\r]")


def redirect(status: int, location: str, *, external: bool | Iterable[str] = False) -> NoReturn:
    """Raise a redirect to `location` (303 is the usual answer to a POST).

    Locations on this site (`/todos`, `?page=2`, `../up`) are always allowed. Another origin
    needs `external=True`, or `external=["https://pay.example"]` to allow only those origins;
    `javascript:` and `data:` URLs are refused unless listed.
    """
    if not isinstance(status, int) or isinstance(status, bool) or not 300 <= status <= 308:
        raise ValueError(
            f"Invalid status code {status!r}: redirect() takes 300–308 "
            "(303 after a form POST, 307/308 to re-send the body)"
        )
    if not isinstance(location, str) or _HEADER_UNSAFE.search(location):
        raise ValueError(
            f"Invalid redirect location {location!r}: this string contains characters that "
            "cannot be used in HTTP headers (percent-encode them, e.g. with urllib.parse.quote)"
        )
    origin = _external_origin(location)
    if origin is not None and not _external_allowed(origin, external):
        raise ValueError(
            f'Cannot redirect to external URL "{location}". To redirect to an external URL, '
            f"pass external=True: redirect({status}, {location!r}, external=True), "
            'or list the allowed origins: external=["https://example.com"]'
        )
    raise Redirect(status, location)


def _external_origin(location: str) -> str | None:
    """The origin `location` leads to if it leaves this site, else None."""
    if location[:1].isspace() or location.startswith(("//", "\\\\", "/\\", "\\/")):
        return location.strip()
    # Browsers drop tabs and newlines inside URLs, so "java\tscript:" is still javascript:
    cleaned = _URL_WHITESPACE.sub("", location)
    if not _SCHEME.match(cleaned):
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(cleaned)
    own = _current_origin()
    if parts.scheme in ("http", "https") and parts.netloc:
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        return None if origin == own else origin
    return f"{parts.scheme.lower()}:"


def _external_allowed(origin: str, external: bool | Iterable[str]) -> bool:
    if isinstance(external, bool):
        return external and origin not in ("javascript:", "data:")
    return origin in {item.rstrip("/").lower() for item in external}


def _current_origin() -> str | None:
    event = event_var.get()
    if event is None:
        return None
    return f"{event.url.scheme}://{event.url.netloc}".lower()


def is_redirect(value: object) -> bool:
    """True for what `redirect(...)` raises."""
    return isinstance(value, Redirect)


def is_http_error(value: object, status: int | None = None) -> bool:
    """True for what `error(...)` raises, optionally with that status."""
    return isinstance(value, HttpError) and (status is None or value.status == status)


def is_action_failure(value: object) -> bool:
    """True for what `fail(...)` returns."""
    return isinstance(value, ActionFailure)
