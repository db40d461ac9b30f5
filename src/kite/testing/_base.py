"""What `Client` and `AsyncClient` share: which app, which origin, which decoders."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from starlette.types import ASGIApp

from kite import devalue
from kite.server.app import Kite, create_app

__all__ = ["AppSource", "ClientConfig"]

# A Kite app (create_app's result), any ASGI app that contains one, or the app's folder.
AppSource = ASGIApp | str | os.PathLike[str]

# Where requests go when the app names no origin: plain http to localhost is where Kite's
# cookies are not `Secure` by default, so the client's jar sends them back, as a browser
# does on a development machine.
DEFAULT_BASE_URL = "http://localhost"


class ClientConfig:
    """The resolved settings of a test client."""

    def __init__(
        self,
        app: AppSource,
        *,
        base_url: str | None,
        revivers: devalue.Revivers | None,
    ) -> None:
        self.app: ASGIApp = create_app(app) if isinstance(app, str | os.PathLike) else app
        kite_app = self.app if isinstance(self.app, Kite) else None
        if base_url is None:
            # The app's ORIGIN setting, if it has one: Kite's cross-site check compares with it.
            configured = kite_app.settings.origin if kite_app else None
            base_url = configured or DEFAULT_BASE_URL
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL!r}")
        # What a browser on this site sends as Origin: scheme and host, no path.
        self.origin = f"{parts.scheme}://{parts.netloc}"
        if revivers is None and kite_app is not None:
            # The decoders of the app's `transport` hook, as its pages would use them.
            revivers = kite_app.revivers
        self.revivers = revivers
