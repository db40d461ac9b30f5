"""Development-only pages: the app could not be built, or a request failed unexpectedly."""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from kite.exceptions import KiteError

__all__ = ["BrokenApp", "traceback_block"]


def traceback_block(details: str) -> str:
    """The traceback, appended to an error page in dev (never in production)."""
    return (
        '<details id="kite-dev-error" open style="font-family:monospace;margin:1em;'
        'padding:1em;border:2px solid #c00;background:#fff5f5;white-space:pre-wrap">'
        "<summary><strong>Kite dev: the error behind this page</strong> "
        "(shown only by <code>kite dev</code>)</summary>"
        f"<pre>{html.escape(details)}</pre></details>"
    )


class BrokenApp:
    """`kite dev` serves this while the app cannot start; the reloader replaces it once the
    file is fixed."""

    def __init__(self, exc: KiteError) -> None:
        self.exc = exc

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        message = html.escape(str(self.exc))
        body = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Kite: the app cannot start</title></head>"
            '<body style="font-family:system-ui;margin:2em">'
            "<h1>The app cannot start</h1>"
            f'<pre id="kite-startup-error" style="white-space:pre-wrap">{message}</pre>'
            "<p>Fix the file named above; this page reloads the app when you save.</p>"
            "</body></html>"
        )
        await HTMLResponse(body, status_code=500)(scope, receive, send)
