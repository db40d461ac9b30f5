"""What the test client returns: a response, and the ActionResult of an enhanced submission."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, cast

import httpx

from kite import devalue

__all__ = ["ActionResult", "NotAnActionResult", "Response"]

ResultType = Literal["success", "failure", "redirect", "error"]
_RESULT_TYPES = ("success", "failure", "redirect", "error")


class NotAnActionResult(Exception):
    """`response.result` was read on a response whose body is not an ActionResult."""


@dataclass(frozen=True)
class ActionResult:
    """An action's outcome as Kite's runtime reads it (SvelteKit's `deserialize`).

    - `type`: `"success"`, `"failure"`, `"redirect"` or `"error"`.
    - `status`: 200 or 204 for a success, the `fail(...)` status for a failure, the redirect's
      status (303...), the error's HTTP status.
    - `data`: the action's data, decoded with `kite.devalue` (and the app's `transport`
      decoders); None for a redirect or an error, and when the action returned none.
    - `location`: where the redirect goes, for a redirect; otherwise the page the result
      belongs to (the request's path and query without `?/name`).
    - `error`: the public error body (`{"message": ..., ...}`) of an error, else None.
    """

    type: ResultType
    status: int
    data: Any = None
    location: str | None = None
    error: dict[str, Any] | None = None


class Response:
    """A response from the app: the familiar parts of an httpx response, plus Kite's.

    `http` is the underlying `httpx.Response`, for anything not repeated here.
    """

    def __init__(self, http: httpx.Response, revivers: devalue.Revivers | None = None) -> None:
        self.http = http
        self._revivers = revivers

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}] {self.http.request.method} {self.url}>"

    @property
    def status_code(self) -> int:
        return self.http.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http.headers

    @property
    def text(self) -> str:
        return self.http.text

    @property
    def content(self) -> bytes:
        return self.http.content

    @property
    def url(self) -> str:
        """The URL that answered: after followed redirects, the last one."""
        return str(self.http.url)

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies this response set (the client's jar keeps them for the next request)."""
        return self.http.cookies

    @property
    def history(self) -> list[Response]:
        """The redirects followed to get here, oldest first; empty when none were."""
        return [Response(item, self._revivers) for item in self.http.history]

    @property
    def is_redirect(self) -> bool:
        """True for a 3xx response with a `Location` (one that was not followed)."""
        return self.http.is_redirect

    @property
    def location(self) -> str | None:
        """The `Location` header of a redirect, as the app sent it; None without one."""
        location: str | None = self.http.headers.get("location")
        return location

    def json(self) -> Any:
        return self.http.json()

    @property
    def result(self) -> ActionResult:
        """The ActionResult of an enhanced submission (`client.action(..., enhanced=True)`).

        Raises `NotAnActionResult` for any other response: a native submission's HTML page,
        or a refusal that comes before any action runs (the cross-site check's 403).
        """
        body = self._result_body()
        kind = cast(ResultType, body["type"])
        data = body.get("data")
        decoded = None if data is None else devalue.parse(data, self._revivers)
        # As Kite's runtime does: a failure's or an error's status is the HTTP status.
        status = int(body["status"]) if kind in ("success", "redirect") else self.status_code
        return ActionResult(
            type=kind,
            status=status,
            data=None if decoded is devalue.UNDEFINED else decoded,
            location=body.get("location"),
            error=body.get("error") if kind == "error" else None,
        )

    def _result_body(self) -> dict[str, Any]:
        content_type = self.headers.get("content-type", "")
        body: Any = None
        if content_type.startswith("application/json"):
            try:
                body = self.http.json()
            except json.JSONDecodeError:
                body = None
        if isinstance(body, dict) and body.get("type") in _RESULT_TYPES:
            return body
        hint = (
            " (a native submission answers with the page: pass enhanced=True for the result)"
            if content_type.startswith("text/html")
            else ""
        )
        raise NotAnActionResult(
            f"{self.http.request.method} {self.url} answered {self.status_code} with "
            f"{content_type or 'no content type'}, not an ActionResult{hint}: "
            f"{self.text[:300]!r}"
        )
