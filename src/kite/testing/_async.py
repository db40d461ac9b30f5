"""`AsyncClient`: `Client`'s twin for async tests, on the caller's own event loop."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import httpx

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

__all__ = ["AsyncClient"]


class AsyncClient:
    """Like `Client`, with `await` and `async with`; the app runs on the test's loop.

    ::

        async with AsyncClient(app) as client:
            response = await client.action("/login", "login", {...}, enhanced=True)
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
        self._http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url=self.base_url,
            follow_redirects=follow_redirects,
        )
        self._lifespan: Lifespan | None = None
        self._closed = False

    @property
    def cookies(self) -> httpx.Cookies:
        return self._http.cookies

    async def start(self) -> None:
        if self._closed:
            raise RuntimeError("this test client is closed; make a new one")
        if self._lifespan is None:
            lifespan = Lifespan(self.app)
            await lifespan.startup()
            self._lifespan = lifespan

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._lifespan is not None:
                await self._lifespan.shutdown()
        finally:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def action(
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
        outgoing = action_request(path, name, self.origin, data, files, headers, enhanced=enhanced)
        return await self._send(outgoing, follow_redirects)

    async def request(
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
        if data is not None or files is not None:
            outgoing = form_request(method, path, self.origin, data, files, headers)
        else:
            outgoing = plain_request(
                method, path, self.origin, headers, content=content, json_body=json
            )
        return await self._send(outgoing, follow_redirects, params)

    async def get(
        self,
        path: str,
        *,
        params: dict[str, str] | None = None,
        headers: Headers | None = None,
        follow_redirects: bool | None = None,
    ) -> Response:
        return await self.request(
            "GET", path, params=params, headers=headers, follow_redirects=follow_redirects
        )

    async def post(
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
        return await self.request(
            "POST",
            path,
            data=data,
            files=files,
            content=content,
            json=json,
            headers=headers,
            follow_redirects=follow_redirects,
        )

    async def _send(
        self,
        outgoing: Outgoing,
        follow_redirects: bool | None,
        params: dict[str, str] | None = None,
    ) -> Response:
        await self.start()
        request = self._http.build_request(
            outgoing.method, outgoing.url, params=params, **outgoing.httpx_arguments()
        )
        if follow_redirects is None:
            http = await self._http.send(request)
        else:
            http = await self._http.send(request, follow_redirects=follow_redirects)
        # Read here, so that `.text` works without an await, as in `Client`.
        await http.aread()
        return Response(http, self._config.revivers)
