"""Exceptions that are answers carry no traceback on.

`redirect(...)`, `error(...)` and a client's mistake (`RequestError`) are raised, but they
are answers, not failures: nothing reads their traceback (an unexpected error alone is
logged with its own). Kept, the traceback's frames hold the request's objects, and the
frame that caught the exception holds the exception: a reference cycle, which reference
counting never frees. The garbage collector would find it later, with a pause for every
request in flight (docs/architecture.md, "Calm tails")."""

from __future__ import annotations

from kite.exceptions import HttpError, Redirect, RequestError

__all__ = ["forget_traceback"]


def forget_traceback(exc: BaseException) -> None:
    """Drop `exc`'s traceback if it is an answer; keep an unexpected error's."""
    if isinstance(exc, (HttpError, Redirect, RequestError)):
        exc.__traceback__ = None
