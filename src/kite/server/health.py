"""The health check a load balancer polls (docs/deployment.md, "Health checks").

`GET /_kite/health` (setting `health.path`) answers 200 while the instance serves, and 503
when the app's `health` hook (hooks.server.py) fails or takes longer than `health.timeout`,
or once the process has been asked to stop (SIGTERM). It runs no `handle` hook, no load,
no CSRF check and sets no cookie: it must stay cheap and answer the same to everyone.

After SIGTERM the instance may keep serving for `health.drain_seconds`, answering 503 here
meanwhile, so that a load balancer with active checks stops sending to it before it closes
its socket; then the server's own graceful stop begins.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from starlette.responses import PlainTextResponse, Response

from kite.server.calling import call_user

__all__ = ["Health"]

logger = logging.getLogger("kite")

_NO_STORE = {"cache-control": "no-store"}


class Health:
    """The health state of this process, and the answer to a check."""

    def __init__(
        self,
        check: Callable[..., Any] | None,
        *,
        timeout: float,
        drain_seconds: float,
    ) -> None:
        self.check = check
        self.timeout = timeout
        self.drain_seconds = drain_seconds
        self.draining = False

    async def response(self) -> Response:
        if self.draining:
            return PlainTextResponse("draining\n", status_code=503, headers=_NO_STORE)
        if self.check is not None:
            try:
                async with asyncio.timeout(self.timeout):
                    healthy = await call_user(self.check, in_thread=True)
            except TimeoutError:
                logger.warning("health hook took longer than health.timeout (%g s)", self.timeout)
                healthy = False
            except Exception:
                logger.warning("health hook failed: answering 503", exc_info=True)
                healthy = False
            if healthy is False:
                return PlainTextResponse("unhealthy\n", status_code=503, headers=_NO_STORE)
        return PlainTextResponse("ok\n", headers=_NO_STORE)

    def watch_sigterm(self) -> None:
        """Report draining from the first SIGTERM on; called at the server's start-up, once
        the server's own SIGTERM handler is in place, which this one then calls (after
        `drain_seconds`). Without such a handler nothing stops gracefully: left alone."""
        if threading.current_thread() is not threading.main_thread():
            return
        stop = signal.getsignal(signal.SIGTERM)
        if not callable(stop):
            return
        loop = asyncio.get_running_loop()

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            if self.draining or self.drain_seconds <= 0:
                # A second SIGTERM does not wait for the drain to end.
                self.draining = True
                stop(signum, frame)
                return
            self.draining = True
            logger.info(
                "SIGTERM: draining for %g s (the health check answers 503), then stopping",
                self.drain_seconds,
            )
            # call_soon_threadsafe is the one loop method safe from a signal handler.
            loop.call_soon_threadsafe(loop.call_later, self.drain_seconds, stop, signum, None)

        signal.signal(signal.SIGTERM, on_sigterm)
