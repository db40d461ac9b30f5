"""The HTTP/1.1 protocol `kite start` serves with (src/kite/server/protocol.py): what reaches
the socket, write by write, for each kind of response; and a real server answering requests
pipelined on one connection."""

from __future__ import annotations

import asyncio
import gc
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from support import APPS
from support.servers import ServeApp
from uvicorn.config import Config
from uvicorn.server import ServerState

from kite.cli import _parser, _serve_options
from kite.server.protocol import KiteHttpProtocol, WriteBatch, missing_features

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
BODY = b"<p>hello</p>" * 100


class RecordingTransport(asyncio.Transport):
    """A socket's side of the protocol: what was written, in which pieces, and whether the
    connection was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class Connection:
    def __init__(self, app: App, **options: Any) -> None:
        config = Config(app, log_level="critical", lifespan="off", **options)
        config.load()
        self.state = ServerState()
        self.protocol = KiteHttpProtocol(config=config, server_state=self.state, app_state={})
        self.transport = RecordingTransport()
        self.protocol.connection_made(self.transport)

    async def send(self, data: bytes) -> list[bytes]:
        """Feed `data` to the server, let every request it starts finish, and return what
        was written meanwhile."""
        already = len(self.transport.writes)
        self.protocol.data_received(data)
        for _ in range(100):
            await asyncio.sleep(0)
            if not self.state.tasks:
                break
        # The writes of the last request's turn go out at the end of the next one.
        await asyncio.sleep(0)
        return self.transport.writes[already:]


def _fixed(body: bytes = BODY, status: int = 200) -> App:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def _get(path: str = "/", method: str = "GET", extra: bytes = b"") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n".encode() + extra + b"\r\n"


def _head_and_body(written: bytes) -> tuple[bytes, bytes]:
    head, _, body = written.partition(b"\r\n\r\n")
    return head, body


def test_a_response_with_a_content_length_goes_out_in_one_write() -> None:
    async def scenario() -> None:
        writes = await Connection(_fixed()).send(_get())
        assert len(writes) == 1
        head, body = _head_and_body(writes[0])
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert f"content-length: {len(BODY)}".encode() in head
        assert body == BODY

    asyncio.run(scenario())


def test_an_empty_body_still_sends_the_head() -> None:
    async def scenario() -> None:
        writes = await Connection(_fixed(b"", status=404)).send(_get())
        assert len(writes) == 1
        head, body = _head_and_body(writes[0])
        assert head.startswith(b"HTTP/1.1 404 Not Found\r\n")
        assert b"content-length: 0" in head
        assert body == b""

    asyncio.run(scenario())


def test_a_head_request_gets_its_head_and_no_body() -> None:
    async def scenario() -> None:
        writes = await Connection(_fixed()).send(_get(method="HEAD"))
        assert len(writes) == 1
        head, body = _head_and_body(writes[0])
        assert f"content-length: {len(BODY)}".encode() in head
        assert body == b""

    asyncio.run(scenario())


def test_a_streamed_response_sends_its_head_before_the_body_exists() -> None:
    release = asyncio.Event()

    async def stream(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await release.wait()
        await send({"type": "http.response.body", "body": b"late", "more_body": False})

    async def scenario() -> None:
        connection = Connection(stream)
        connection.protocol.data_received(_get())
        for _ in range(5):
            await asyncio.sleep(0)
        # No Content-Length: nothing tells that a body follows soon, so the head is not kept.
        assert len(connection.transport.writes) == 1
        assert b"transfer-encoding: chunked" in connection.transport.writes[0]
        release.set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert connection.transport.writes[1:] == [b"4\r\nlate\r\n0\r\n\r\n"]

    asyncio.run(scenario())


def test_an_app_that_fails_after_its_head_sends_the_head_then_closes() -> None:
    async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"9")]}
        )
        raise RuntimeError("the body never comes")

    async def scenario() -> None:
        connection = Connection(broken)
        writes = await connection.send(_get())
        # What uvicorn's own protocol sends too: the head, then the connection is closed.
        assert len(writes) == 1
        assert writes[0].startswith(b"HTTP/1.1 200 OK\r\n")
        assert writes[0].endswith(b"\r\n\r\n")
        assert connection.transport.closed

    asyncio.run(scenario())


def test_expect_100_continue_is_answered_before_the_response() -> None:
    async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        await _fixed(message["body"])(scope, receive, send)

    async def scenario() -> None:
        connection = Connection(echo)
        request = (
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nExpect: 100-continue\r\n"
            b"Content-Length: 5\r\n\r\n"
        )
        writes = await connection.send(request)
        assert writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
        writes = await connection.send(b"hello")
        assert len(writes) == 1
        assert _head_and_body(writes[0])[1] == b"hello"

    asyncio.run(scenario())


# An older uvicorn (see test_guards.py) lacks what KiteHttpProtocol starts the next
# pipelined request with; Kite then serves with uvicorn's own protocol.
@pytest.mark.skipif(bool(missing_features()), reason="this uvicorn is served with its own protocol")
def test_pipelined_requests_are_answered_in_order_one_write_each() -> None:
    async def path_echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await _fixed(scope["path"].encode())(scope, receive, send)

    async def scenario() -> None:
        connection = Connection(path_echo)
        # The later requests wait in uvicorn's pipeline until the first is answered: let
        # them all run, then read everything the connection wrote.
        await connection.send(_get("/one") + _get("/two") + _get("/three"))
        for _ in range(10):
            await asyncio.sleep(0)
        writes = connection.transport.writes
        assert [_head_and_body(written)[1] for written in writes] == [b"/one", b"/two", b"/three"]

    asyncio.run(scenario())


def test_connection_close_is_honoured_after_the_whole_response() -> None:
    async def scenario() -> None:
        connection = Connection(_fixed())
        writes = await connection.send(_get(extra=b"Connection: close\r\n"))
        assert len(writes) == 1
        head, body = _head_and_body(writes[0])
        assert b"connection: close" in head
        assert body == BODY
        assert connection.transport.closed

    asyncio.run(scenario())


def test_a_request_leaves_no_reference_cycle_behind() -> None:
    # Garbage that only the cycle collector frees costs every request far more than the
    # write saved (measured: ≈ 10 % of a page's CPU time), so none may be left.
    async def scenario() -> int:
        connection = Connection(_fixed())
        for _ in range(5):
            await connection.send(_get())
        gc.collect()
        gc.disable()
        try:
            for _ in range(20):
                await connection.send(_get())
            return gc.collect()
        finally:
            gc.enable()

    assert asyncio.run(scenario()) == 0


def test_writes_wait_for_the_end_of_the_turn_then_go_out_one_per_connection() -> None:
    async def scenario() -> None:
        first, second = Connection(_fixed(b"first")), Connection(_fixed(b"second"))
        first.protocol.data_received(_get())
        second.protocol.data_received(_get())
        await asyncio.sleep(0)  # both requests run in this turn of the loop
        assert first.transport.writes == second.transport.writes == []
        await asyncio.sleep(0)  # and their writes go out at its end
        assert [_head_and_body(written)[1] for written in first.transport.writes] == [b"first"]
        assert [_head_and_body(written)[1] for written in second.transport.writes] == [b"second"]

    asyncio.run(scenario())


def test_a_response_larger_than_the_batch_is_written_while_the_app_runs() -> None:
    chunk = b"x" * (WriteBatch.max_bytes // 2)
    written_before_the_app_returned: list[int] = []
    connection: Connection

    async def large(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(5):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        written_before_the_app_returned.append(sum(map(len, connection.transport.writes)))
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def scenario() -> None:
        nonlocal connection
        connection = Connection(large)
        writes = await connection.send(_get())
        # Memory held for a turn stays bounded, and flow control sees the bytes in time.
        assert written_before_the_app_returned[0] >= WriteBatch.max_bytes
        body = _head_and_body(b"".join(writes))[1]
        assert body.count(chunk) == 5
        assert body.endswith(b"0\r\n\r\n")

    asyncio.run(scenario())


def test_a_connection_closes_after_being_idle_for_the_keep_alive_timeout() -> None:
    async def scenario() -> None:
        connection = Connection(_fixed(), timeout_keep_alive=0.3)
        for _ in range(4):
            # Requests 0.15 s apart: never idle for 0.3 s, though open for longer.
            assert len(await connection.send(_get())) == 1
            await asyncio.sleep(0.15)
        assert not connection.transport.closed
        await asyncio.sleep(0.4)
        assert connection.transport.closed

    asyncio.run(scenario())


def test_a_connection_busy_with_a_slow_request_is_not_closed_as_idle() -> None:
    async def fast_or_slow(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/slow":
            await asyncio.sleep(0.6)
        await _fixed(scope["path"].encode())(scope, receive, send)

    async def scenario() -> None:
        connection = Connection(fast_or_slow, timeout_keep_alive=0.4)
        assert len(await connection.send(_get("/fast"))) == 1
        connection.protocol.data_received(_get("/slow"))
        # At 0.4 s the timer finds the slow request under way; it is answered at 0.6 s.
        await asyncio.sleep(0.8)
        assert _head_and_body(connection.transport.writes[-1])[1] == b"/slow"
        assert not connection.transport.closed
        # Idle from 0.6 s on: closed at 1.0 s.
        await asyncio.sleep(0.5)
        assert connection.transport.closed

    asyncio.run(scenario())


def test_kite_start_serves_with_this_protocol() -> None:
    pytest.importorskip("httptools")
    options = _serve_options(_parser().parse_args(["start", "app"]))
    assert options["http"] is (KiteHttpProtocol if not missing_features() else "httptools")


def test_a_real_server_answers_pipelined_requests_on_one_connection(
    served_app: ServeApp,
) -> None:
    server = served_app(APPS / "basics")
    request = _about(server.port)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request * 3)
        received = b""
        while received.count(b"HTTP/1.1 200 OK") < 3 or not _complete(received, 3):
            chunk = connection.recv(65536)
            assert chunk, f"the server closed the connection after {received[:300]!r}"
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 3


@pytest.mark.skipif(bool(missing_features()), reason="this uvicorn is served with its own protocol")
def test_a_real_server_answers_a_client_that_half_closes_after_its_request(
    served_app: ServeApp,
) -> None:
    # The end of the request stream closes the connection on the server's side too: what
    # the batch holds for it must be written before that, or the answer is lost.
    server = served_app(APPS / "basics")
    request = _about(server.port)
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        assert received.startswith(b"HTTP/1.1 200 OK"), received[:300]
        assert _complete(received, 1)


@pytest.mark.skipif(bool(missing_features()), reason="this uvicorn is served with its own protocol")
def test_a_half_closed_client_gets_an_answer_made_after_its_last_byte(
    served_app: ServeApp,
) -> None:
    # /held's plain load waits in a worker thread until /release opens its gate: the
    # answer is made long after the client's end of stream, which must not close the socket.
    server = served_app(APPS / "plain_threads")
    request = f"GET /held HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 30
        while not server.client.get("/waiting", timeout=30).json()["waiting"]:
            assert time.monotonic() < deadline, "/held never reached the gate"
            time.sleep(0.01)
        assert server.client.get("/release", timeout=30).status_code == 200
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK"), received[:300]
    assert b"released: True" in received


def test_a_client_that_half_closes_in_the_middle_of_its_body_is_let_go(
    served_app: ServeApp,
) -> None:
    # Its request can never be whole: the server closes the connection (the action sees a
    # disconnect) rather than keep it open for an answer.
    server = served_app(APPS / "actions")
    head = (
        f"POST /routing/content-negotiation HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Origin: {server.url}\r\nAccept: text/html\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 100\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(head.encode() + b"a=1")
        connection.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := connection.recv(65536):  # a hang here fails on the socket's timeout
            received += chunk
    assert b"200 OK" not in received


def _about(port: int) -> bytes:
    return f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\n\r\n".encode()


def _complete(received: bytes, responses: int) -> bool:
    """Whether `received` holds `responses` whole responses with Content-Length bodies."""
    rest = received
    for _ in range(responses):
        head, separator, rest = rest.partition(b"\r\n\r\n")
        if not separator:
            return False
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        if len(rest) < length:
            return False
        rest = rest[length:]
    return True
