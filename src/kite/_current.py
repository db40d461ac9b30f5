"""The event of the request being handled, as a context variable that every layer may read.

`kite.server.event` owns the typed view (`current_event()`, `get_request_event()`) and
binds it. The variable lives here, below everything, because `kite.exceptions` (which origin
a `redirect(...)` leaves) and `kite.forms.state` (the form `fail_form` refills) need the
event too, and `kite.server.event` imports both: they read it untyped rather than import
upwards.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

__all__ = ["event_var"]

event_var: ContextVar[Any] = ContextVar("kite_request_event", default=None)
