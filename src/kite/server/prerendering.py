"""A request made by `kite build`: what its loads may not touch.

A prerendered page is the same for every visitor, so a load that reads the visitor's
cookies or `event.locals` (which `handle` fills per visitor) cannot be prerendered. During
`kite build` the loads see guards in their place, which refuse any use, naming the file and
line, as SvelteKit refuses such pages at build time.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from kite.exceptions import KiteError
from kite.server.event import RequestEvent

__all__ = ["SCOPE_KEY", "PrerenderRun", "for_loads", "prerender_run"]

# The ASGI scope key under which `kite build` passes its PrerenderRun.
SCOPE_KEY = "kite.prerender"


@dataclass
class PrerenderRun:
    """One `kite build`: where the app's files are, and what its loads did wrong."""

    src: Path
    violations: list[str] = field(default_factory=list)


class PrerenderError(KiteError):
    """A load used something a prerendered page cannot have."""


class _Refused:
    """Stands for `event.cookies` or `event.locals` in a load while prerendering."""

    def __init__(self, name: str, run: PrerenderRun) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_run", run)

    def _refuse(self) -> NoReturn:
        name: str = object.__getattribute__(self, "_name")
        run: PrerenderRun = object.__getattribute__(self, "_run")
        message = (
            f"{_caller(run.src)} uses event.{name} while `kite build` prerenders the page. "
            f"A prerendered page is the same for every visitor, so it cannot depend on "
            f"{name}: set prerender = False for this route, or stop reading event.{name} "
            "in its loads (docs/page-options.md)."
        )
        run.violations.append(message)
        raise PrerenderError(message)

    def __getattr__(self, attribute: str) -> Any:
        self._refuse()

    def __setattr__(self, attribute: str, value: Any) -> None:
        self._refuse()

    def __bool__(self) -> bool:
        self._refuse()

    def __iter__(self) -> Any:
        self._refuse()

    def __contains__(self, item: object) -> bool:
        self._refuse()

    def __getitem__(self, item: object) -> Any:
        self._refuse()


def _caller(src: Path) -> str:
    """`file:line` of the innermost frame in the app's own files."""
    frame: FrameType | None = sys._getframe(2)
    root = str(src)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(root):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "a load"


def prerender_run(event: RequestEvent) -> PrerenderRun | None:
    """The build this request belongs to, or None for a visitor's request."""
    run = event.request.scope.get(SCOPE_KEY)
    return run if isinstance(run, PrerenderRun) else None


def for_loads(event: RequestEvent, run: PrerenderRun) -> RequestEvent:
    """A view of the event whose cookies and locals refuse to be used."""
    view = event.with_url(event.url)
    view.cookies = _Refused("cookies", run)  # type: ignore[assignment]
    view.locals = _Refused("locals", run)  # type: ignore[assignment]
    return view
