"""The client side of the hostile-input suite: send a request, check that the answer is sane,
count it.

Sane means: an HTTP status below 500, an error status with a message in its body and no
traceback, and an answer within CLIENT_TIMEOUT (a hang fails the test through httpx's timeout).

The number of examples per generated test comes from KITE_FUZZ_EXAMPLES (default
DEFAULT_EXAMPLES), so that a long run is `KITE_FUZZ_EXAMPLES=20000 pytest tests/reliability`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
from collections import Counter
from collections.abc import Iterator, Mapping

import httpx
from hypothesis import HealthCheck, settings
from support import APPS
from support.servers import ServeApp, Server

HOSTILE_APP = APPS / "hostile"
CLIENT_TIMEOUT = 20.0
DEFAULT_EXAMPLES = 100
# Requests sent by the whole run, by kind of input; printed when the test process ends.
SENT: Counter[str] = Counter()


# Other figures worth a line in that report (the memory test's RSS).
NOTES: list[str] = []


def _report() -> None:
    if SENT:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(SENT.items()))
        print(f"\nhostile input: {SENT.total()} requests sent ({kinds})")
    for note in NOTES:
        print(f"hostile input: {note}")


atexit.register(_report)


def examples() -> int:
    value = os.environ.get("KITE_FUZZ_EXAMPLES", "")
    if not value:
        return DEFAULT_EXAMPLES
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"KITE_FUZZ_EXAMPLES must be a whole number ≥ 1, not {value!r}")
    return int(value)


FUZZ = settings(
    max_examples=examples(),
    deadline=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def hostile_server(served_app: ServeApp, env: Mapping[str, str] | None = None) -> Server:
    # No access log: its lines would only slow the server down.
    return served_app(HOSTILE_APP, env=env, extra_args=("--no-access-log",))


def still_alive(server: Server) -> None:
    assert server.process.poll() is None, f"the server died\n{server.log_tail()}"
    answer = server.client.get("/", timeout=CLIENT_TIMEOUT)
    assert answer.status_code == 200, "the server stopped answering"


@contextlib.contextmanager
def checked(server: Server) -> Iterator[Server]:
    """`server`, checked to be alive and answering once the block ends."""
    yield server
    still_alive(server)


def check(response: httpx.Response) -> httpx.Response:
    status = response.status_code
    assert status < 500, (status, response.text[:500])
    if status >= 400 and response.request.method != "HEAD":
        assert response.content.strip(), f"{status} without a message"
        assert b"Traceback" not in response.content, response.text[:2000]
    return response


def send(
    server: Server,
    kind: str,
    method: str,
    target: str,
    *,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    params: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Send one request to `server` and check the answer (see the module docstring)."""
    SENT[kind] += 1
    raw_headers = {name: _header_value(value) for name, value in (headers or {}).items()}
    response = server.client.request(
        method, target, headers=raw_headers, content=content, params=params, timeout=CLIENT_TIMEOUT
    )
    return check(response)


def _header_value(value: str) -> bytes:
    """`value` as bytes that h11 agrees to send: UTF-8 (obs-text to the server), without the
    control characters and surrounding whitespace that the client itself refuses (the raw
    socket tests send those)."""
    encoded = value.encode("utf-8", "surrogatepass")
    return encoded.translate(None, _CONTROL).strip(b" \t")


_CONTROL = bytes([*range(0x09), *range(0x0A, 0x20), 0x7F])


def raw_exchange(server: Server, kind: str, request: bytes) -> bytes:
    """Write `request` as is on a new connection and read the whole answer."""
    SENT[kind] += 1
    with socket.create_connection(("127.0.0.1", server.port), timeout=CLIENT_TIMEOUT) as sock:
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may hang up before reading everything: an answer, not a crash
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def raw_status(server: Server, kind: str, request: bytes) -> int:
    """The status of the answer to raw `request`; 400 when the HTTP parser closed the
    connection without an answer, which is how uvicorn refuses garbage."""
    answer = raw_exchange(server, kind, request)
    if not answer:
        return 400
    status = int(answer.split(b" ", 2)[1])
    assert status < 500, answer[:1000]
    assert b"Traceback" not in answer, answer[:2000]
    return status


def multipart(parts: list[tuple[bytes, bytes]], boundary: bytes = b"B") -> bytes:
    body = b""
    for headers, content in parts:
        body += b"--" + boundary + b"\r\n" + headers + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


def rss_kib(pid: int) -> int:
    """The resident set size of process `pid` in KiB (Linux: /proc/<pid>/status VmRSS)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS line in /proc/{pid}/status")
