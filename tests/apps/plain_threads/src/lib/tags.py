"""A context variable a plain `handle` sets for the rest of the request, as a logging
library binds a request id."""

from contextvars import ContextVar

request_tag: ContextVar[str] = ContextVar("request_tag", default="unset")
