"""Where the request's plain `handle` or action stood when each load was queued."""

import contextvars

phase: contextvars.ContextVar[str] = contextvars.ContextVar("phase", default="unset")
