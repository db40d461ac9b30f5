"""`Client`: a synchronous test client that runs the app in process.

The app runs on an event loop in a thread of the client's own, for the client's whole life:
its lifespan starts there, every request is served there, and what the app keeps on that
loop (a connection pool, say) stays usable from one request to the next. Requests go
through httpx's public `ASGITransport`; no server, no sockets.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from starlette.types import ASGIApp

from kite import devalue
from kite.testing._base import AppSource, ClientConfig
from kite.testing._lifespan import Lifespan
from kite.testing._requests import (
    Files,
    FormData,
    Headers,
    Outgoing,
    action_request,
    form_request,
    plain_request,
)
from kite.testing._response import Response

__all__ = ["Client"]

T = TypeVar("T")


class _LoopThread:
    """An asyncio event loop running in a daemon thread (so that a client never closed
    cannot keep the interpreter from exiting)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="kite.testing", daemon=True
        )
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.run(self._cancel_leftovers())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    @staticmethod
    async def _cancel_leftovers() -> None:
        # Tasks the app started and never awaited end here, not in a warning at exit.
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)
        await asyncio.get_running_loop().shutdown_asyncgens()


class _ThreadTransport(httpx.BaseTransport):
    """httpx's sync side, handing each request to `ASGITransport` on the client's loop."""

    def __init__(self, app: ASGIApp, loop: _LoopThread) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        # Bytes are a stream for both sides; the sync request's own stream is not async.
        forwarded = httpx.Request(
            request.method, request.url, headers=request.headers, content=body
        )
        return self._loop.run(self._send(forwarded))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=content)


class Client:
    """Sends requests to a Kite app as a browser would, in process.

    ::

        from kite.testing import Client

        with Client("path/to/app") as client:          # or Client(kite.create_app(...))
            page = client.get("/login")
            response = client.action("/login", "login", {"email": "ada@example.com"})
            result = client.action("/login", "login", {...}, enhanced=True).result

    - Requests carry a browser's `Accept` (HTML first); POST, PUT, PATCH and DELETE carry
      the app's own `Origin`. A header passed per request wins; a value of None drops one.
    - Cookies the app sets are kept in `client.cookies` and sent back, as a browser does.
    - Redirects are not followed unless `follow_redirects=True` (here or per request): a
      test sees the 303 and its `response.location`.
    - The app's lifespan (start-up, shut-down) runs when the client is entered (or at its
      first request) and when it is closed.
    """

    def __init__(
        self,
        app: AppSource = ".",
        *,
        base_url: str | None = None,
        follow_redirects: bool = False,
        revivers: devalue.Revivers | None = None,
    ) -> None:
        self._config = ClientConfig(app, base_url=base_url, revivers=revivers)
        self.app = self._config.app
        self.base_url = self._config.base_url
        self.origin = self._config.origin
        self._loop = _LoopThread()
        # A client left unclosed still stops its thread when it is collected.
        self._finalizer = weakref.finalize(self, self._loop.close)
        self._http = httpx.Client(
            transport=_ThreadTransport(self.app, self._loop),
            base_url=self.base_url,
            follow_redirects=follow_redirects,
        )
        self._lifespan: Lifespan | None = None
        self._closed = False

    @property
    def cookies(self) -> httpx.Cookies:
        """The client's cookie jar: `client.cookies.clear()`, `client.cookies.set(...)`."""
        return self._http.cookies

    def start(self) -> None:
        """Run the app's start-up (done by `with` and by the first request anyway)."""
        if self._closed:
            raise RuntimeError("this test client is closed; make a new one")
        if self._lifespan is None:
            lifespan = Lifespan(self.app)
            self._loop.run(lifespan.startup())
            self._lifespan = lifespan

    def close(self) -> None:
        """Run the app's shut-down and stop the client's thread."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._lifespan is not None:
                self._loop.run(self._lifespan.shutdown())
        finally:
            self._http.close()
            self._finalizer()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- requests --------------------------------------------------------------------------

    def action(
        self,
        path: str,
        name: str | None = None,
        data: FormData | None = None,
        *,
        files: Files | None = None,
        enhanced: bool = False,
        headers: Headers | None = None,
        follow_redirects: bool | None = None,
    ) -> Response:
        """Submit the form action `name` of the page at `path` (None: its default action).

        Natively (`enhanced=False`): the POST a browser without JavaScript makes; the
        response is the rendered page (or a redirect). Enhanced: the POST Kite's runtime
        makes; `response.result` is the decoded ActionResult.
        """
        outgoing = action_request(path, name, self.origin, data, files, headers, enhanced=enhanced)
        return self._send(outgoing, follow_redirects)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        data: FormData | None = None,
        files: Files | None = None,
        content: bytes | str | None = None,
        json: Any = None,
        headers: Headers | None = None,
        follow_redirects: bool | None = None,
    ) -> Response:
        """Any request. `data`/`files` send a form, as a browser does; `content` and `json`
        send a body of your own."""
        if data is not None or files is not None:
            outgoing = form_request(method, path, self.origin, data, files, headers)
        else:
            outgoing = plain_request(
                method, path, self.origin, headers, content=content, json_body=json
            )
        return self._send(outgoing, follow_redirects, params)

    def get(
        self,
        path: str,
        *,
        params: dict[str, str] | None = None,
        headers: Headers | None = None,
        follow_redirects: bool | None = None,
    ) -> Response:
        return self.request(
            "GET", path, params=params, headers=headers, follow_redirects=follow_redirects
        )

    def post(
        self,
        path: str,
        *,
        data: FormData | None = None,
        files: Files | None = None,
        content: bytes | str | None = None,
        json: Any = None,
        headers: Headers | None = None,
        follow_redirects: bool | None = None,
    ) -> Response:
        return self.request(
            "POST",
            path,
            data=data,
            files=files,
            content=content,
            json=json,
            headers=headers,
            follow_redirects=follow_redirects,
        )

    def _send(
        self,
        outgoing: Outgoing,
        follow_redirects: bool | None,
        params: dict[str, str] | None = None,
    ) -> Response:
        self.start()
        request = self._http.build_request(
            outgoing.method, outgoing.url, params=params, **outgoing.httpx_arguments()
        )
        if follow_redirects is None:
            http = self._http.send(request)
        else:
            http = self._http.send(request, follow_redirects=follow_redirects)
        return Response(http, self._config.revivers)
