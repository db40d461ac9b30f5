"""Hostile input over real HTTP: every answer is a 2xx–4xx with a message, never a 5xx, and
the server keeps answering (issue 9's first corpus, run against the actions fixture app; the
test_fuzz_*.py modules run the full one against tests/apps/hostile)."""

import socket
import string
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability.hostile_client import FUZZ, SENT
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Iterator[Server]:
    server = served_app(APPS / "actions")
    yield server
    assert server.process.poll() is None, "the server died"
    assert server.client.get("/").status_code == 200, "the server stopped answering"


def no_server_error(response: httpx.Response) -> None:
    SENT["actions app"] += 1
    assert response.status_code < 500, (response.status_code, response.text[:500])


def raw_exchange(server: Server, request: bytes) -> bytes:
    SENT["actions app"] += 1
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def raw_status(server: Server, request: bytes) -> int:
    answer = raw_exchange(server, request)
    if not answer:
        return 400  # the HTTP parser closed the connection on garbage: not a server error
    return int(answer.split(b" ", 2)[1])


# --- paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../../etc/passwd",
        "/actions/%2e%2e/%2e%2e/etc/passwd",
        "/%00",
        "/actions/enhance%00",
        "/%c0%ae%c0%ae/",
        "/%ff%fe",
        "/%",
        "/%%32%65",
        "/" + "a/" * 2000,
        "/" + "%41" * 5000,
        "/_kite/../pyproject.toml",
        "/_kite/%2e%2e/pyproject.toml",
        "/logo.txt/..%2f..%2fpyproject.toml",
        "*",
        "http://evil.example/",
    ],
)
def test_strange_paths(app: Server, target: str) -> None:
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\nConnection: close\r\n\r\n"
    status = raw_status(app, request.encode())
    assert status < 500
    assert b"[project]" not in raw_exchange(app, request.encode())


@FUZZ
@given(st.text(alphabet=string.printable + "é☃\x00", max_size=60))
def test_generated_paths(app: Server, text: str) -> None:
    from urllib.parse import quote

    target = "/" + quote(text, safe="/%?&=")
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\nConnection: close\r\n\r\n"
    assert raw_status(app, request.encode()) < 500


# --- action names in the query ---------------------------------------------------------


@FUZZ
@given(st.text(max_size=40))
def test_any_action_name(app: Server, name: str) -> None:
    response = app.client.post(
        "/actions/enhance",
        params={"/" + name: ""},
        data={"username": "x"},
        headers={"origin": app.url},
    )
    no_server_error(response)


# --- headers ---------------------------------------------------------------------------

# Surrounding whitespace is not part of a header value (and httpx refuses to send it).
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300
).map(str.strip)


@FUZZ
@given(accept=header_values, content_type=header_values, origin=header_values)
def test_any_accept_content_type_and_origin(
    app: Server, accept: str, content_type: str, origin: str
) -> None:
    response = app.client.post(
        "/actions/enhance?/login",
        content=b"username=x",
        headers={"accept": accept, "content-type": content_type, "origin": origin},
    )
    no_server_error(response)


@FUZZ
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=500))
def test_any_cookie_header(app: Server, cookie: str) -> None:
    response = app.client.get("/actions/enhance", headers={"cookie": cookie})
    no_server_error(response)


def test_thousands_of_cookies_and_an_oversized_one(app: Server) -> None:
    many = "; ".join(f"c{i}={i}" for i in range(5000))
    no_server_error(app.client.get("/actions/enhance", headers={"cookie": many}))
    big = "enhance-counter=" + "9" * 60_000
    no_server_error(app.client.get("/actions/enhance", headers={"cookie": big}))
    no_server_error(app.client.get("/actions/enhance", headers={"cookie": "enhance-counter=abc"}))


# --- urlencoded bodies -----------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
def test_any_urlencoded_body(app: Server, body: bytes) -> None:
    response = app.client.post(
        "/actions/enhance?/login",
        content=body,
        headers={"origin": app.url, "content-type": "application/x-www-form-urlencoded"},
    )
    no_server_error(response)


@pytest.mark.parametrize(
    "body",
    [
        b"username=%zz%",
        b"username=%C0%AE%ff",
        b"&&&==&=&",
        b"k" * 1_000_000 + b"=v",
        b"&".join(b"f%d=v" % i for i in range(100_000)),
    ],
)
def test_hostile_urlencoded_bodies(served_app: ServeApp, body: bytes) -> None:
    server = served_app(APPS / "actions", env={"BODY_SIZE_LIMIT": "4M"})
    response = server.client.post(
        "/actions/enhance?/login",
        content=body,
        headers={"origin": server.url, "content-type": "application/x-www-form-urlencoded"},
    )
    no_server_error(response)


# --- multipart bodies ------------------------------------------------------------------


def multipart(parts: list[tuple[bytes, bytes]], boundary: bytes = b"B") -> bytes:
    body = b""
    for headers, content in parts:
        body += b"--" + boundary + b"\r\n" + headers + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


@pytest.mark.parametrize(
    "body",
    [
        multipart([(b'Content-Disposition: form-data; name="a"', b"1")] * 3),
        multipart([(b'Content-Disposition: form-data; name="' + b"x" * 100_000 + b'"', b"1")]),
        multipart([(b"X-Big: " + b"y" * 200_000, b"1")]),
        multipart([(b'Content-Disposition: form-data; name="f"; filename="\xff\xfe.txt"', b"1")]),
        multipart([(b'Content-Disposition: form-data; name="f"; filename="../../x"', b"1")]),
        multipart([(b'Content-Disposition: form-data; name="a"', b"1")] * 3000),
        multipart([(b'Content-Disposition: form-data; name="a[b][c]"', b"1")]),
        multipart([(b"Content-Disposition: form-data", b"no name")]),
        b"--B\r\n" * 1000,
        b"--B--",
        b"",
        multipart([(b'Content-Disposition: form-data; name="a"', b"1")], boundary=b"C"),
    ],
)
def test_hostile_multipart_bodies(served_app: ServeApp, body: bytes) -> None:
    server = served_app(APPS / "actions", env={"BODY_SIZE_LIMIT": "4M"})
    response = server.client.post(
        "/actions/enhance?/send_file",
        content=body,
        headers={"origin": server.url, "content-type": "multipart/form-data; boundary=B"},
    )
    no_server_error(response)


@FUZZ
@given(st.binary(max_size=3000), st.text(alphabet=string.ascii_letters + "-'\"; =", max_size=80))
def test_any_multipart_body_and_boundary(app: Server, body: bytes, boundary: str) -> None:
    response = app.client.post(
        "/actions/enhance?/send_file",
        content=body,
        headers={
            "origin": app.url,
            # httpx refuses header values with surrounding whitespace, so the client would fail
            "content-type": f"multipart/form-data; boundary={boundary}".strip(),
        },
    )
    no_server_error(response)


# --- render requests (devalue bodies) --------------------------------------------------


@FUZZ
@given(
    st.one_of(
        st.text(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner),
            max_leaves=20,
        ).map(lambda value: __import__("json").dumps(value)),
    ),
    st.one_of(st.none(), st.integers(), st.text(max_size=50)),
)
def test_any_render_request(app: Server, form: str, status: object) -> None:
    import json

    payload = json.dumps({"form": form, "status": status, "refresh": False, "token": form})
    response = app.client.post(
        "/actions/cross-page/same-page",
        content=payload.encode(),
        headers={"content-type": "application/json", "x-kite-render": "1"},
    )
    if type(status) is int and status >= 500 and response.status_code == status:
        return  # the runtime may ask for a page with a 5xx status: that is what it gets
    no_server_error(response)


@FUZZ
@given(st.binary(max_size=500))
def test_any_render_request_body(app: Server, body: bytes) -> None:
    response = app.client.post(
        "/actions/cross-page/same-page",
        content=body,
        headers={"content-type": "application/json", "x-kite-render": "1"},
    )
    no_server_error(response)


# --- garbage on the wire ---------------------------------------------------------------


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",  # no Host
        b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a b c\r\n\r\n",
        b"POST /actions/enhance HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /actions/enhance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"BREW /actions/enhance HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_garbage_requests(app: Server, request_bytes: bytes) -> None:
    assert raw_status(app, request_bytes) < 500
