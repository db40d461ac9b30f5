"""The body limit on the ASGI receive channel (scenario U5), driven with real ASGI messages."""

import asyncio
from collections.abc import Sequence

import pytest

from kite.exceptions import RequestError
from kite.server.body import KiteRequest, limit_body


def scope_with(content_length: int | None) -> dict[str, object]:
    headers = [] if content_length is None else [(b"content-length", str(content_length).encode())]
    return {"type": "http", "headers": headers}


def drain(chunks: Sequence[bytes], content_length: int | None, limit: int | None) -> bytes:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    async def run() -> bytes:
        limited = limit_body(receive, scope_with(content_length), limit)  # type: ignore[arg-type]
        body = b""
        while True:
            message = await limited()
            body += message["body"]
            if not message["more_body"]:
                return body

    return asyncio.run(run())


def test_chunked_body_over_the_limit() -> None:
    with pytest.raises(RequestError) as info:
        drain([b"12345", b"67890", b"1"], None, 10)
    assert info.value.status == 413
    assert str(info.value) == "request body size exceeded BODY_SIZE_LIMIT of 10"


def test_within_the_limit() -> None:
    assert drain([b"hello", b"world"], None, 10) == b"helloworld"
    assert drain([b"x" * 100], None, None) == b"x" * 100


def test_body_longer_than_content_length() -> None:
    with pytest.raises(RequestError) as info:
        drain([b"1234", b"5"], 4, 100)
    assert info.value.status == 413
    assert str(info.value) == "request body size exceeded content-length of 4"


def test_declared_length_over_the_limit_fails_before_reading() -> None:
    with pytest.raises(RequestError, match=r"Content-length of 11 exceeds limit of 10 bytes\."):
        drain([b"never read"], 11, 10)


def test_content_length_that_is_not_a_number_is_400() -> None:
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, object]:
        return messages[0]

    scope = {"type": "http", "headers": [(b"content-length", b"12abc")]}
    limited = limit_body(receive, scope, 10)  # type: ignore[arg-type]
    with pytest.raises(RequestError) as info:
        asyncio.run(limited())  # type: ignore[arg-type]
    assert info.value.status == 400


def _request(messages: list[dict[str, object]], content_type: str = "text/plain") -> KiteRequest:

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"content-type", content_type.encode())],
    }
    return KiteRequest(scope, receive)  # type: ignore[arg-type]


def test_body_reads_every_chunk_once_as_starlette_does() -> None:
    async def run() -> None:
        request = _request(
            [
                {"type": "http.request", "body": b"a=1", "more_body": True},
                {"type": "http.request", "body": b"", "more_body": True},
                {"type": "http.request", "body": b"&b=2", "more_body": False},
            ],
            "application/x-www-form-urlencoded",
        )
        assert await request.body() == b"a=1&b=2"
        assert await request.body() == b"a=1&b=2"
        assert (await request.form()).multi_items() == [("a", "1"), ("b", "2")]
        assert [chunk async for chunk in request.stream()] == [b"a=1&b=2", b""]

    asyncio.run(run())


def test_body_after_a_disconnect_or_a_consumed_stream_fails_as_starlettes() -> None:
    from starlette.requests import ClientDisconnect

    async def run() -> None:
        request = _request(
            [{"type": "http.request", "body": b"x", "more_body": True}, {"type": "http.disconnect"}]
        )
        with pytest.raises(ClientDisconnect):
            await request.body()
        streamed = _request([{"type": "http.request", "body": b"x", "more_body": False}])
        assert [chunk async for chunk in streamed.stream()] == [b"x", b""]
        with pytest.raises(RuntimeError, match="Stream consumed"):
            await streamed.body()

    asyncio.run(run())
