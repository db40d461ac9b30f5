"""`create_app(DIR)`: read the app on disk once and return the ASGI callable."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.types import Receive, Scope, Send

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.server import affinity
from kite.server.affinity import CpuHome
from kite.server.calling import worker_threads
from kite.server.devpage import BrokenApp
from kite.server.health import Health
from kite.server.respond import respond
from kite.server.site import Site

__all__ = ["Kite", "create_app", "start_app"]

logger = logging.getLogger("kite")


class Kite(Site):
    """A Kite application: the ASGI callable serving one `Site`."""

    # Set by `start_app` (`kite start`, the process is Kite's): its threads' CPU, kept from
    # the server's start-up on (server/affinity.py).
    cpu_home: CpuHome | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await respond(self, scope, receive, send)
        elif scope["type"] == "lifespan":
            await _lifespan(self.health, self.cpu_home, receive, send)
            await self.rate_limiter.store.close()
        else:
            raise RuntimeError(f"Kite does not serve {scope['type']!r} connections")


async def _lifespan(health: Health, cpu_home: CpuHome | None, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            # The server's signal handlers are in place by now: health wraps SIGTERM's.
            health.watch_sigterm()
            if cpu_home is not None:
                cpu_home.start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if cpu_home is not None:
                cpu_home.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


def start_app(app_dir: str | os.PathLike[str], *, among_workers: bool = False) -> Any:
    """The app as `kite start` serves it (each worker): created as `create_app` creates
    it, then everything start-up made (modules, templates, routes) moved out of the
    garbage collector's sight.

    A full collection walks every object the process holds, and with the app's own it took
    17–28 ms on the benchmark app — the requests in flight wait it out, and that was most
    of Kite's p99 (bench/harness/tails.py; docs/architecture.md). Frozen, it takes 0.4 ms.
    What is frozen is never collected, so nothing is collected before freezing either:
    the one walk `create_app` ends with found 56 objects to free with 5,000 routes, and
    took 0.22 s of that start. `kite dev`, which re-imports the app's modules, does not
    freeze.

    Its threads are kept on one CPU once it serves, unless `cpu_affinity = "off"`
    (server/affinity.py): the process is Kite's, where an app mounted in another server is
    not. `among_workers`: this process is one of `kite start --workers N`.
    """
    app = _create(app_dir, False, {}, gc.freeze)
    if isinstance(app, Kite) and app.settings.cpu_affinity == "loop" and affinity.supported():
        app.cpu_home = CpuHome(worker_threads(), among_workers=among_workers)
    return app


@contextmanager
def _collector_paused(then: Callable[[], Any]) -> Iterator[None]:
    """No garbage collection while the app is read, then `then` (one collection, or a
    freeze). Start-up makes hundreds of thousands of objects that all live on (modules,
    compiled templates, routes), and the collector, counting them as they come, walked
    them all again and again for nothing to free: 0.45 s of the 4 s start-up of 5,000
    routes, against 0.2 s for the one walk at the end (bench/routes_scaling.py). That one
    walk is not left to the collector: it would have fallen on one of the first requests."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            then()


def create_app(app_dir: str | os.PathLike[str] = ".", dev: bool = False, **overrides: Any) -> Any:
    """The ASGI application for the Kite app in `app_dir`.

    Every route module is imported now, so a broken module, a route conflict or a bad
    setting raises `KiteError` naming the file. With `dev=True` such an error does not
    raise: every request shows it on an error page instead, until the file is fixed.
    """
    return _create(app_dir, dev, overrides, gc.collect)


def _create(
    app_dir: str | os.PathLike[str],
    dev: bool,
    overrides: dict[str, Any],
    then: Callable[[], Any],
) -> Any:
    path = Path(app_dir).resolve()
    try:
        settings = load_settings(path, dev=dev)
        if overrides:
            settings = replace(settings, **overrides)
        with _collector_paused(then):
            return Kite(path, settings)
    except KiteError as exc:
        if not dev:
            raise
        logger.error("%s", exc)
        return BrokenApp(exc)
