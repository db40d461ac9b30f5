"""`kite start --workers N`: uvicorn's supervisor, letting go of the port as soon as it is
told to stop.

uvicorn's supervisor binds the listening socket, hands it to its workers and keeps its own
copy for the workers it may have to replace. On SIGTERM its workers stop accepting and
finish their requests, but the supervisor's copy keeps the port open until they have all
exited: meanwhile the kernel still completes new connections and queues them where nobody
accepts them, and resets them when the supervisor exits. Behind a proxy those are requests
lost: nginx does not retry a POST it has sent, and gets "connection reset" for it (502).
Closed at once, the port refuses new connections as soon as the last worker stops
accepting, and a proxy sends them elsewhere (docs/deployment.md, "Rolling restarts").

Built on uvicorn's `Multiprocess` (its `handle_term`/`handle_int` and constructor are not
documented API): when they are not what this module expects, `run` says so and serves with
`uvicorn.run` as before.
"""

from __future__ import annotations

import inspect
import logging
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

__all__ = ["run_workers"]

logger = logging.getLogger("kite")


class _Supervisor(Multiprocess):
    def handle_term(self) -> None:
        self._let_go_of_the_port()
        super().handle_term()

    def handle_int(self) -> None:
        self._let_go_of_the_port()
        super().handle_int()

    def _let_go_of_the_port(self) -> None:
        # Called from the supervisor's loop, right before it stops replacing workers: the
        # workers keep their own copies, and accept until each of them stops.
        sockets: list[socket.socket] = self.sockets
        for sock in sockets:
            sock.close()


# What `_Supervisor` overrides; looked for by name when `kite start` starts.
REQUIRED_METHODS: tuple[str, ...] = ("handle_term", "handle_int")


def _supported() -> bool:
    return all(callable(getattr(Multiprocess, name, None)) for name in REQUIRED_METHODS)


def run_workers(app: str, **options: Any) -> None:
    """Serve `app` (an import string) with `options["workers"]` processes."""
    if not _supported():
        logger.warning(
            "the installed uvicorn's supervisor (Multiprocess) lacks %s: serving with "
            "uvicorn.run, which keeps the port open while its workers stop (connections "
            "made meanwhile are reset; see docs/deployment.md)",
            ", ".join(name for name in REQUIRED_METHODS if not hasattr(Multiprocess, name)),
        )
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(app, **options)
    sock = config.bind_socket()
    if "target" in inspect.signature(Multiprocess).parameters:
        # Older uvicorns (0.30, the lowest Kite allows) take the target each worker runs.
        server = uvicorn.Server(config)
        _Supervisor(config, target=server.run, sockets=[sock]).run()  # type: ignore[call-arg]
    else:
        _Supervisor(config, sockets=[sock]).run()
