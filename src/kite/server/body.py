"""Request bodies: the size limit, and form and JSON parsing that answer 400/413 for bad
input instead of failing inside the app's code."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import AsyncGenerator, Coroutine, Generator
from types import TracebackType
from typing import Any, cast
from urllib.parse import unquote_plus, unquote_to_bytes

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message, Receive, Scope

from kite.exceptions import RequestError
from kite.sansio.negotiation import media_type

__all__ = [
    "FAST_BODY",
    "FormLimits",
    "KiteRequest",
    "LimitedReceive",
    "limit_body",
    "starlette_body_state",
]

logger = logging.getLogger("kite")


def limit_body(receive: Receive, scope: Scope, limit: int | None) -> LimitedReceive:
    """Wrap `receive` so that a body over `limit` bytes, or longer than its declared
    Content-Length, raises a 413 `RequestError` the moment it is read."""
    return LimitedReceive(receive, scope, limit)


class LimitedReceive:
    """`receive` under a body limit. `limit` may change until the body is first read: a
    page or an action declares its own (see kite.server.limits)."""

    __slots__ = ("declared", "limit", "receive", "received")

    def __init__(self, receive: Receive, scope: Scope, limit: int | None) -> None:
        self.receive = receive
        self.limit = limit
        self.received = 0
        self.declared: int | None = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                self.declared = int(value) if value.isdigit() else -1
                break

    async def __call__(self) -> Message:
        declared, limit = self.declared, self.limit
        if declared == -1:
            raise RequestError(400, "Content-Length is not a number")
        if declared is not None and limit is not None and declared > limit:
            raise RequestError(413, f"Content-length of {declared} exceeds limit of {limit} bytes.")
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if limit is not None and self.received > limit:
                raise RequestError(413, f"request body size exceeded BODY_SIZE_LIMIT of {limit}")
            if declared is not None and self.received > declared:
                raise RequestError(413, f"request body size exceeded content-length of {declared}")
        return message


class FormLimits:
    def __init__(self, *, max_fields: int, max_files: int, max_part_size: int) -> None:
        self.max_fields = max_fields
        self.max_files = max_files
        self.max_part_size = max_part_size


class IndexedHeaders(Headers):
    """Starlette's request `Headers`, answering `get`, `[]` and `in` from a dict built once:
    a request asks for a dozen headers, and each lookup used to scan and decode the list.
    The first header of a name wins, as in Starlette."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(scope=scope)
        self._first: dict[str, str] = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(self.raw)
        }

    def get(self, key: str, default: Any = None) -> Any:
        return self._first.get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        try:
            return self._first[key.lower()]
        except KeyError:
            raise KeyError(key) from None

    def __contains__(self, key: Any) -> bool:
        return isinstance(key, str) and key.lower() in self._first


class FormReading:
    """What `request.form()` returns: awaited (`await request.form()`) or used as an async
    context manager that closes the form's uploaded files (`async with request.form() as
    form:`), as with Starlette's own."""

    __slots__ = ("_form", "_reading")

    def __init__(self, reading: Coroutine[Any, Any, FormData]) -> None:
        self._reading = reading
        self._form: FormData | None = None

    def __await__(self) -> Generator[Any, None, FormData]:
        return self._reading.__await__()

    async def __aenter__(self) -> FormData:
        self._form = await self._reading
        return self._form

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._form is not None:
            await self._form.close()


class KiteRequest(Request):
    """Starlette's `Request`, whose `form()` applies Kite's limits and reports malformed
    bodies as 400 errors."""

    form_limits = FormLimits(max_fields=1000, max_files=1000, max_part_size=1024 * 1024)
    # The `receive` that enforces the body limit, kept to change the limit per page/action.
    body_limit: LimitedReceive | None = None
    _tail: bytes | None = None
    _parsed_form: FormData | None = None

    @property
    def headers(self) -> Headers:
        if not hasattr(self, "_headers"):
            self._headers = IndexedHeaders(self.scope)
        return self._headers

    @property
    def parsed_form(self) -> FormData | None:
        """The form, if `form()` has read it already (Kite reads an action's form before
        the action runs); else None."""
        return self._parsed_form

    def form(
        self,
        *,
        max_files: int | float | None = None,
        max_fields: int | float | None = None,
        max_part_size: int | None = None,
    ) -> FormReading:
        # Starlette's form() fills in its own defaults (1000, 1000, 1 MB); None here lets
        # _read_form apply the [forms] settings instead.
        return FormReading(
            self._read_form(max_files=max_files, max_fields=max_fields, max_part_size=max_part_size)
        )

    async def _read_form(
        self,
        *,
        max_files: int | float | None = None,
        max_fields: int | float | None = None,
        max_part_size: int | None = None,
    ) -> FormData:
        if self._parsed_form is not None:
            return self._parsed_form
        kind = media_type(self.headers.get("content-type"))
        if kind == "text/plain":
            raise TypeError(
                f"The form posted to {self.url.path} was sent as text/plain "
                '(enctype="text/plain"), which cannot be read as fields reliably. Remove the '
                "enctype attribute (or use multipart/form-data), or read the raw text with "
                "await event.request.body()."
            )
        limits = self.form_limits
        if kind == "application/x-www-form-urlencoded":
            self._parsed_form = parse_urlencoded(
                await self.body(),
                max_fields=limits.max_fields if max_fields is None else max_fields,
                max_part_size=limits.max_part_size if max_part_size is None else max_part_size,
            )
            return self._parsed_form
        self._tail = b"" if kind == "multipart/form-data" else None
        try:
            # Starlette's public form(): it parses multipart bodies, and keeps the form to
            # close its uploaded files when the request ends.
            form = await super().form(
                max_files=limits.max_files if max_files is None else max_files,
                max_fields=limits.max_fields if max_fields is None else max_fields,
                max_part_size=limits.max_part_size if max_part_size is None else max_part_size,
            )
        except MultiPartException as exc:
            raise RequestError(400, f"Malformed form data: {exc.message}") from None
        except FormParserError as exc:
            # Starlette 0.44, the lowest Kite allows, lets python-multipart's own errors
            # through (a boundary other than the one announced): still a malformed body.
            raise RequestError(400, f"Malformed form data: {exc}") from None
        except ClientDisconnect as exc:
            # A cancelled upload (docs/enhanced-forms.md): the client's doing, not the app's
            # error. Recent Starlette closes the partly spooled files itself; older releases
            # did so on a parse error only. Clearing the frames drops the parser's last
            # references to them now, even while something (a log handler) keeps `exc`.
            traceback.clear_frames(exc.__traceback__)
            raise RequestError(
                400, "The client closed the connection before its form was sent"
            ) from None
        except (UnicodeDecodeError, LookupError) as exc:
            raise RequestError(400, f"Malformed form data: {exc}") from None
        if self._tail is not None:
            self._check_closing_boundary(self._tail)
        self._parsed_form = form
        return form

    async def body(self) -> bytes:
        """The whole body, as Starlette's `body()` reads it, but straight from `receive`:
        not through two async generators (Starlette's `stream()` and ours), which cost
        more than reading a small form (see `FAST_BODY` for what that relies on)."""
        if not FAST_BODY:
            return await super().body()
        if not hasattr(self, "_body"):
            if self._stream_consumed:
                raise RuntimeError("Stream consumed")
            chunks: list[bytes] = []
            while not self._stream_consumed:
                message = await self._receive()
                if message["type"] == "http.request":
                    if not message.get("more_body", False):
                        self._stream_consumed = True
                    chunk = message.get("body", b"")
                    if chunk:
                        chunks.append(chunk)
                elif message["type"] == "http.disconnect":
                    self._is_disconnected = True
                    raise ClientDisconnect()
            self._body = b"".join(chunks)
        return self._body

    async def json(self) -> Any:
        try:
            return await super().json()
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
            raise RequestError(400, f"Malformed JSON body: {exc}") from None

    async def stream(self) -> AsyncGenerator[bytes, None]:
        async for chunk in super().stream():
            # python-multipart accepts a body cut short; keep its end to check the boundary.
            if self._tail is not None and chunk:
                self._tail = (self._tail + chunk)[-512:]
            yield chunk

    def _check_closing_boundary(self, tail: bytes) -> None:
        _, options = parse_options_header(self.headers.get("content-type", ""))
        boundary = options.get(b"boundary", b"")
        if not tail.rstrip(b"\r\n").endswith(b"--" + boundary + b"--"):
            raise RequestError(
                400,
                "Malformed form data: the multipart body ends before its closing boundary",
            )


def starlette_body_state() -> list[str]:
    """What `KiteRequest.body()` relies on in Starlette's `Request` and the installed
    Starlette lacks. None of it is Starlette's public API: `body()` reads `receive` and
    keeps the stream's state in Starlette's attributes, and leaves the body in `_body`,
    where Starlette's `stream()` (so `form()` and `json()`) finds it."""
    probe = Request(_PROBE_SCOPE, _no_body)
    missing = [
        name
        for name in ("_receive", "_stream_consumed", "_is_disconnected")
        if not hasattr(probe, name)
    ]
    probe._body = b"probe"
    if _first_chunk(probe) != b"probe":
        missing.append("stream() yielding the body kept in _body")
    return missing


_PROBE_SCOPE: Scope = {"type": "http", "method": "POST", "path": "/", "headers": []}


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _first_chunk(request: Request) -> bytes | None:
    """The first chunk of `request.stream()`, when it comes without waiting (no loop runs
    at import time)."""
    stream = request.stream()
    try:
        stream.__anext__().send(None)
    except StopIteration as done:
        return cast(bytes, done.value)
    except Exception:
        return None
    finally:
        with contextlib.suppress(StopIteration, RuntimeError):
            stream.aclose().send(None)
    return None


_missing_body_state = starlette_body_state()
# Whether KiteRequest.body() reads the body itself (≈ 2 µs less per small form) or leaves it
# to Starlette's body(): the same bytes, the same errors, only slower.
FAST_BODY = not _missing_body_state
if _missing_body_state:
    logger.warning(
        "the installed Starlette's Request lacks %s; Kite reads request bodies through "
        "Starlette's own body() (correct, slightly slower: see docs/architecture.md)",
        ", ".join(_missing_body_state),
    )


def parse_urlencoded(body: bytes, *, max_fields: float, max_part_size: int) -> FormData:
    """The fields of an `application/x-www-form-urlencoded` body, read as Starlette's parser
    reads them (empty `&&` chunks skipped, a name without `=` has an empty value, bytes
    outside escapes taken as Latin-1) but at a fraction of its cost: the whole body is in
    memory already (the body limit bounds it), so it is split rather than streamed."""
    chunks = body.split(b"&")
    if len(chunks) <= max_fields and len(body) <= max_part_size and body.isascii():
        # Within every limit however the body splits, and ASCII (a browser escapes the
        # rest): one pass with no checks, percent-decoding only the parts that need it.
        if b"+" in body:
            chunks = body.replace(b"+", b" ").split(b"&")
        return FormData([_ascii_field(chunk) for chunk in chunks if chunk])
    items: list[tuple[str, str | UploadFile]] = []
    for chunk in chunks:
        if not chunk:
            continue
        if len(chunk) - (b"=" in chunk) > max_part_size:
            raise RequestError(
                400,
                f"Malformed form data: Field exceeded maximum size of {max_part_size // 1024}KB.",
            )
        if len(items) >= max_fields:
            raise RequestError(
                400,
                f"Malformed form data: Too many fields. Maximum number of fields is {max_fields}.",
            )
        name, _, value = chunk.partition(b"=")
        items.append((_unquote(name), _unquote(value)))
    return FormData(items)


def _ascii_field(chunk: bytes) -> tuple[str, str]:
    """The name and value of one ASCII `name=value` chunk whose `+` are spaces already."""
    name, _, value = chunk.partition(b"=")
    return (
        unquote_to_bytes(name).decode("utf-8", "replace") if b"%" in name else name.decode(),
        unquote_to_bytes(value).decode("utf-8", "replace") if b"%" in value else value.decode(),
    )


def _unquote(raw: bytes) -> str:
    """`unquote_plus(raw.decode("latin-1"))`, without its cost in the usual cases."""
    if b"%" not in raw:
        return (raw.replace(b"+", b" ") if b"+" in raw else raw).decode("latin-1")
    if raw.isascii():
        # For ASCII text, unquote_plus decodes the percent-decoded bytes as UTF-8 with
        # errors replaced, which this does in one pass.
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")
    return unquote_plus(raw.decode("latin-1"))
