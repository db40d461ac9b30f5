"""The request event that loads, actions, endpoints and hooks receive."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.datastructures import URL as StarletteURL
from starlette.datastructures import FormData, QueryParams

from kite._current import event_var
from kite.forms.state import (
    NO_FORMS,
    FormContext,
    InvalidForm,
    read_form,
    validate_read_form,
    word_errors,
)
from kite.server.body import KiteRequest
from kite.server.calling import in_worker_thread, run_on_loop
from kite.server.cookies import Cookies
from kite.server.flash import add_flash

if TYPE_CHECKING:
    from pydantic import BaseModel

    Model = TypeVar("Model", bound=BaseModel)

__all__ = [
    "URL",
    "Locals",
    "RequestEvent",
    "RouteId",
    "current_event",
    "get_request_event",
    "route_of",
]

_current: contextvars.ContextVar[RequestEvent | None] = event_var


class URL(StarletteURL):
    """Starlette's URL with `query_params`, as in `event.url.query_params["redirectTo"]`."""

    @property
    def query_params(self) -> QueryParams:
        cached: QueryParams | None = self.__dict__.get("_query_params")
        if cached is None:
            cached = self.__dict__["_query_params"] = QueryParams(self.query)
        return cached


class Locals(SimpleNamespace):
    """Per-request values, set by `handle` and read by loads and actions."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"event.locals has no attribute '{name}': set it in handle() in "
            f"src/hooks.server.py (event.locals.{name} = ...), or read it with "
            f"getattr(event.locals, '{name}', None)"
        )

    def get(self, name: str, default: Any = None) -> Any:
        return self.__dict__.get(name, default)


@dataclass(frozen=True)
class RouteId:
    """`event.route`, as SvelteKit's: the matched route's id (None when none matched). The
    route itself — its folders, modules, templates — is `kite.server.manifest.Route`."""

    id: str | None


# Frozen, so one instance per route id serves every request (a frozen dataclass is slow to
# make); bounded, though the ids come from the app's routes.
route_of = functools.lru_cache(maxsize=1024)(RouteId)


class RequestEvent:
    """Everything a load, action, endpoint or hook knows about the request.

    `request` is Starlette's `Request` (Kite's subclass of it); `url` the full URL;
    `params` the route parameters; `route.id` the route id; `locals` a per-request
    namespace; `cookies` the cookie jar.
    """

    def __init__(
        self,
        request: KiteRequest,
        *,
        url: URL,
        cookies: Cookies,
        client_address: str,
        route_id: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        self.request = request
        self.url = url
        self.cookies = cookies
        self.client_address = client_address
        self.route = route_of(route_id)
        self.params: dict[str, str] = params or {}
        self.locals = Locals()
        self.response_headers: dict[str, str] = {}
        self._parent: Callable[[], Coroutine[Any, Any, dict[str, Any]]] | None = None
        # The route's typed forms and the app's message hook (kite.forms.state reads them),
        # set once the route is known.
        self.form_context: FormContext = NO_FORMS

    def set_headers(self, headers: Mapping[str, str]) -> None:
        """Add headers to the response, whichever kind it turns out to be."""
        for name, value in headers.items():
            key = name.lower()
            if key == "set-cookie":
                raise ValueError(
                    "Use event.cookies.set(name, value, ...) instead of event.set_headers "
                    "to set cookies"
                )
            if key in self.response_headers:
                if key == "server-timing":
                    self.response_headers[key] += f", {value}"
                    continue
                raise ValueError(f'"{name}" header is already set')
            self.response_headers[key] = str(value)

    def flash(self, message: str, category: str = "info") -> None:
        """A one-time message for the next page this browser renders: after a redirect,
        or this response's page when there is none (`flashes` in templates; see
        docs/form-actions.md, "Flash messages")."""
        add_flash(self.request.scope, message, category)

    @property
    def form_data(self) -> FormData:
        """The form of a form action's POST, already read before the action runs.

        The same as `await event.request.form()`, but usable from a plain `def` action.
        """
        form = self.request.parsed_form
        if form is None:
            raise RuntimeError(
                "event.form_data is only available in form actions (Kite reads the form "
                "before the action runs); elsewhere use: form = await event.request.form()"
            )
        return form

    def form(self, model: type[Model], *, max_index: int = 999, max_depth: int = 16) -> Any:
        """The submitted form as an instance of the pydantic `model`: `await event.form(M)`.

        Raises `InvalidForm` when it does not validate (an action answers it as a 400
        failure carrying the values and messages) and a 400 error for form data no form
        could send (an index above `max_index`, names nested deeper than `max_depth`).
        In a plain `def` action, which runs in a worker thread, it returns the model
        directly. See docs/typed-forms.md.
        """
        form_data = self.request.parsed_form
        if form_data is None or not in_worker_thread():
            return _run_here(read_form(self, model, max_index=max_index, max_depth=max_depth))
        # A plain action in its worker thread, the form read already: validate it here,
        # without a round trip to the event loop unless the errors need wording.
        outcome = validate_read_form(
            self, model, form_data, max_index=max_index, max_depth=max_depth
        )
        if not isinstance(outcome, tuple):
            return outcome
        state, described, context = outcome
        raise InvalidForm(run_on_loop(word_errors(state, described, context.message_hook, self)))

    def parent(self) -> Any:
        """(load only) The merged data of the layouts above: `await event.parent()`.

        In a plain `def load`, which runs in a worker thread, it returns the data directly.
        """
        if self._parent is None:
            raise RuntimeError(
                "event.parent() is only available inside a load function "
                "(+layout.server.py or +page.server.py)"
            )
        return _run_here(self._parent())

    def child(self, parent: Callable[[], Coroutine[Any, Any, dict[str, Any]]]) -> RequestEvent:
        """A view of this event for one load: the same request, its own `parent()`."""
        clone = object.__new__(RequestEvent)
        clone.__dict__.update(self.__dict__)
        clone._parent = parent
        return clone

    def with_url(self, url: URL) -> RequestEvent:
        """A view of this event for another URL of the same request (the page the browser
        shows after an enhanced action)."""
        clone = object.__new__(RequestEvent)
        clone.__dict__.update(self.__dict__)
        clone.url = url
        return clone

    def __repr__(self) -> str:
        return f"<RequestEvent {self.request.method} {self.url.path} route={self.route.id}>"


def _run_here(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """The coroutine itself for `await` on the event loop; its result when called from a
    plain `def` load or action, which runs in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run_on_loop(coroutine)
    return coroutine


def current_event() -> RequestEvent | None:
    return _current.get()


def get_request_event() -> RequestEvent:
    """The event of the request being handled, from anywhere inside it."""
    event = _current.get()
    if event is None:
        raise RuntimeError(
            "get_request_event() was called outside a request; call it from a load, an action, "
            "an endpoint or a hook (or code they call)"
        )
    return event


def bind_event(event: RequestEvent) -> contextvars.Token[RequestEvent | None]:
    return _current.set(event)


def unbind_event(token: contextvars.Token[RequestEvent | None]) -> None:
    _current.reset(token)
