"""Flash messages: `event.flash("Saved.")` in an action, a load, a hook or an endpoint, and
`flashes` in the templates of the next page that browser renders — after a redirect, or in
the same response when there is none — shown once.

No server-side state: the messages waiting to be shown travel in one sealed cookie
(`kite_flash`, encrypted with the app's secret, see sealing.py), so any worker of any
instance shows them. A page whose templates read `flashes` takes them out of the cookie;
a message added after that (a hook, once the page is rendered) waits for the next page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kite.server.body import KiteRequest
from kite.server.cookies import Cookies
from kite.server.sealing import CookieSealer

__all__ = ["COOKIE", "Flash", "FlashView", "add_flash", "finish_flashes"]

logger = logging.getLogger("kite")


class RequestEvent(Protocol):
    """What flash messages need of `kite.server.event.RequestEvent` (which imports this
    module for `event.flash`): its request and its cookies."""

    @property
    def request(self) -> KiteRequest: ...

    @property
    def cookies(self) -> Cookies: ...


COOKIE = "kite_flash"
# Browsers keep cookies of about 4096 bytes: name, value and attributes together.
MAX_VALUE = 3800
_KEY = "kite.flash"


@dataclass(frozen=True)
class Flash:
    """One message: `{{ flash.message }}`, `{{ flash.category }}` ("info" by default)."""

    message: str
    category: str = "info"

    def __str__(self) -> str:
        return self.message


@dataclass
class _State:
    """This request's messages: those that came in its cookie, then those added to it."""

    messages: list[Flash] = field(default_factory=list)
    incoming: int = 0
    read: bool = False
    # How many of `messages` a template has shown (they leave the cookie).
    shown: int = 0


def _state(scope: MutableMapping[str, Any]) -> _State:
    state: _State | None = scope.get(_KEY)
    if state is None:
        state = scope[_KEY] = _State()
    return state


def _read(state: _State, sealer: CookieSealer, event: RequestEvent) -> None:
    if state.read:
        return
    state.read = True
    token = event.cookies.get(COOKIE)
    plaintext = sealer.open(token) if token else None
    incoming: list[Flash] = []
    if plaintext is not None:
        try:
            raw = json.loads(plaintext)
            incoming = [Flash(str(message), str(category)) for message, category in raw]
        except (ValueError, TypeError):
            incoming = []
    state.messages[:0] = incoming
    state.incoming = len(incoming)


def add_flash(scope: MutableMapping[str, Any], message: str, category: str = "info") -> None:
    if not isinstance(message, str) or not isinstance(category, str):
        raise TypeError(
            "event.flash(message, category='info') takes two strings, not "
            f"{type(message).__name__} and {type(category).__name__}"
        )
    _state(scope).messages.append(Flash(message, category))


class FlashView:
    """`flashes` in templates: the messages waiting for this browser, in the order they
    were added; reading them (`{% for flash in flashes %}`, `{% if flashes %}`) shows them,
    and they leave the cookie with this response."""

    def __init__(self, sealer: CookieSealer, current: Callable[[], RequestEvent | None]) -> None:
        self._sealer = sealer
        self._current = current

    def _take(self) -> list[Flash]:
        event = self._current()
        if event is None:
            return []
        state = _state(event.request.scope)
        _read(state, self._sealer, event)
        state.shown = len(state.messages)
        return list(state.messages)

    def __iter__(self) -> Iterator[Flash]:
        return iter(self._take())

    def __len__(self) -> int:
        return len(self._take())

    def __bool__(self) -> bool:
        return bool(self._take())

    def __repr__(self) -> str:
        return "<flashes>"


def finish_flashes(sealer: CookieSealer, event: RequestEvent) -> None:
    """Put the messages not shown yet into the cookie, or clear it when all were shown."""
    state: _State | None = event.request.scope.get(_KEY)
    if state is None:
        return  # nothing added, nothing shown: the cookie, if any, stays as it is
    _read(state, sealer, event)
    if not state.shown and len(state.messages) == state.incoming:
        return  # the same messages as came in: the cookie stays as it is
    token = _seal(sealer, state.messages[state.shown :])
    if token is not None:
        event.cookies.set(COOKIE, token, path="/", max_age=sealer.max_age)
    elif state.incoming:
        event.cookies.delete(COOKIE, path="/")


def _seal(sealer: CookieSealer, pending: list[Flash]) -> str | None:
    """The cookie's value for these messages; the oldest are dropped (and logged) when
    they do not all fit; None when there is nothing to keep."""
    while pending:
        raw = json.dumps([[flash.message, flash.category] for flash in pending])
        token = sealer.seal(raw.encode("utf-8"))
        if len(token) <= MAX_VALUE:
            return token
        logger.warning(
            "flash messages do not fit in their cookie (%d bytes, at most %d); the oldest "
            "is dropped: keep flash messages short",
            len(token),
            MAX_VALUE,
        )
        pending = pending[1:]
    return None
