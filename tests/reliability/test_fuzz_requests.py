"""Everything of a request but its form body, fuzzed against the hostile app: action names in
the query, paths, cookies, Accept/Content-Type/Origin, JSON and devalue bodies of the
runtime's render requests and of an endpoint, and malformed HTTP on a raw socket."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability.hostile_client import (
    CLIENT_TIMEOUT,
    FUZZ,
    SENT,
    check,
    checked,
    hostile_server,
    raw_exchange,
    raw_status,
    send,
)
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Iterator[Server]:
    with checked(hostile_server(served_app)) as server:
        yield server


def form_post(server: Server, target: str, **headers: str) -> None:
    send(
        server,
        "query",
        "POST",
        target,
        headers={"origin": server.url, "content-type": "application/x-www-form-urlencoded"}
        | headers,
        content=b"name=x&tag=a",
    )


# --- query strings and action names ----------------------------------------------------------

query_text = st.text(alphabet=string.printable + "é☃\x00\x7f", max_size=40)


@FUZZ
@given(st.lists(st.tuples(query_text, query_text), max_size=6), st.booleans())
def test_action_names_of_every_shape(
    app: Server, pairs: list[tuple[str, str]], json_: bool
) -> None:
    # Raw, so that "?/a&/b", "?/", "?/%zz" and friends arrive exactly as generated.
    query = "&".join(
        "/" + quote(name, safe="/%&=?") + ("=" + quote(value, safe="%") if value else "")
        for name, value in pairs
    )
    extra = {"accept": "application/json"} if json_ else {}
    form_post(app, "/form?" + query, **extra)


@pytest.mark.parametrize(
    "query",
    [
        "/",
        "/login&/upload",
        "/default",
        "/%00",
        "/%zz",
        "/" + "a" * 10_000,
        "/login=1",
        "//login",
        "/../login",
        "/login/",
        "/__proto__",
        "/constructor",
        "/%2Flogin",
        "&/login",
        "/login&/login",
    ],
)
def test_action_name_corpus(app: Server, query: str) -> None:
    form_post(app, "/form?" + query)
    form_post(app, "/boom/limits?" + query, accept="application/json")


@FUZZ
@given(st.text(max_size=200))
def test_any_query_on_a_page(app: Server, query: str) -> None:
    send(app, "query", "GET", "/?" + quote(query, safe="/%&=?+"))


# --- paths ------------------------------------------------------------------------------------

segments = st.one_of(
    st.sampled_from(
        [
            "..",
            ".",
            "%2e%2e",
            "%2E%2E%2F",
            "%00",
            "%c0%ae",
            "%c0%af",
            "%e0%80%ae",
            "%ff",
            "%",
            "%%",
            "%2f",
            "%5c",
            "\\",
            "form",
            "api",
            "boom",
            "_kite",
            "~",
            ";",
            "?",
            "#",
        ]
    ),
    st.text(alphabet=string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@%", max_size=12),
)


@FUZZ
@given(
    st.lists(segments, max_size=8), st.sampled_from(["GET", "HEAD", "POST", "OPTIONS", "DELETE"])
)
def test_paths_of_every_shape(app: Server, parts: list[str], method: str) -> None:
    target = "/" + "/".join(parts)
    request = (
        f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    raw_status(app, "path", request.encode())


@pytest.mark.parametrize(
    "target",
    [
        "/../../etc/passwd",
        "/form/%2e%2e/%2e%2e/pyproject.toml",
        "/%00",
        "/form%00",
        "/%c0%ae%c0%ae/",
        "/%e0%80%ae%e0%80%ae/kite.toml",
        "/%ff%fe",
        "/%",
        "/%%32%65",
        "/" + "a/" * 2000,
        "/" + "%41" * 5000,
        "/_kite/../kite.toml",
        "/_kite/%2e%2e/kite.toml",
        "/_kite/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/src/hooks.server.py",
        "/..%5c..%5ckite.toml",
        "*",
        "http://evil.example/",
    ],
)
def test_path_corpus(app: Server, target: str) -> None:
    request = (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{app.port}\r\nConnection: close\r\n\r\n".encode()
    )
    raw_status(app, "path", request)
    answer = raw_exchange(app, "path", request)
    assert (
        b"secret_key" not in answer and b"[project]" not in answer and b"def handle" not in answer
    )


# --- headers ----------------------------------------------------------------------------------

header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF), max_size=200)
media_types = st.one_of(
    header_text,
    st.sampled_from(
        [
            "application/json",
            "text/html",
            "*/*",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "text/plain",
            "application/devalue",
        ]
    ).flatmap(
        lambda kind: st.lists(
            st.sampled_from(
                [
                    ";q=0",
                    ";q=1",
                    ";q=0.5",
                    ";q=abc",
                    ";q=-1",
                    ";charset=utf-8",
                    ";boundary=",
                    ", text/html",
                    ", */*;q=0.1",
                    ";;",
                    ",,",
                ]
            ),
            max_size=4,
        ).map(lambda parts: kind + "".join(parts))
    ),
)
origins = st.one_of(
    header_text,
    st.sampled_from(
        [
            "null",
            "http://127.0.0.1",
            "http://evil.example",
            "file://",
            "https://trusted.example.com.evil",
            "",
        ]
    ),
)


@FUZZ
@given(
    accept=media_types,
    content_type=media_types,
    origin=origins,
    target=st.sampled_from(
        ["/form?/login", "/form", "/api", "/boom/limits", "/", "/boom/action?/explode"]
    ),
    method=st.sampled_from(["GET", "POST", "PUT"]),
)
def test_accept_content_type_and_origin(
    app: Server, accept: str, content_type: str, origin: str, target: str, method: str
) -> None:
    headers = {"accept": accept, "content-type": content_type, "origin": origin}
    # /boom/action's action fails on purpose, but only a form post with the app's own Origin
    # reaches it (the port is random, so no generated Origin is): 403 or 415 before it.
    send(app, "header", method, target, headers=headers, content=b"name=x")


cookie_names = st.text(
    alphabet=string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=12
)
cookie_values = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40)


@FUZZ
@given(
    st.one_of(
        st.lists(
            st.tuples(st.one_of(cookie_names, st.just("theme")), cookie_values), max_size=30
        ).map(lambda pairs: "; ".join(f"{n}={v}" for n, v in pairs)),
        header_text,
    )
)
def test_cookie_headers(app: Server, cookie: str) -> None:
    send(app, "cookie", "GET", "/form", headers={"cookie": cookie})
    form_post(app, "/form?/login", cookie=cookie)


@pytest.mark.parametrize(
    "cookie",
    [
        "; ".join(f"c{i}={i}" for i in range(5000)),
        "theme=" + "9" * 60_000,
        "theme",
        "=theme",
        ";;;;",
        "theme=a; theme=b; theme=c",
        'theme="unterminated',
        "theme=%zz%",
        "theme=\\x00",
        "$Version=1; theme=a; $Path=/",
    ],
    ids=[
        "5000 cookies",
        "a 60 KB cookie",
        "no value",
        "no name",
        "separators",
        "duplicates",
        "open quote",
        "bad escape",
        "escaped NUL",
        "RFC 2109",
    ],
)
def test_cookie_corpus(app: Server, cookie: str) -> None:
    send(app, "cookie", "GET", "/form", headers={"cookie": cookie})
    form_post(app, "/form?/login", cookie=cookie)


# --- render requests (devalue) and JSON bodies -----------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 10_000_000_000)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=30,
)
# devalue's own shapes: index references, negative specials and typed entries.
devalue_entries = st.one_of(
    json_values,
    st.integers(-7, 12),
    st.tuples(
        st.sampled_from(
            ["Date", "Set", "Map", "BigInt", "RegExp", "Object", "null", "URL", "Foo", "__proto__"]
        ),
        st.lists(st.one_of(st.integers(-7, 12), st.text(max_size=12)), max_size=4),
    ).map(lambda entry: [entry[0], *entry[1]]),
    st.dictionaries(st.text(max_size=6), st.integers(-7, 12), max_size=4),
)
devalue_texts = st.one_of(
    st.lists(devalue_entries, min_size=1, max_size=10).map(json.dumps),
    st.integers(-7, 5).map(str),
    st.text(max_size=60),
)


@FUZZ
@given(
    form=st.one_of(st.none(), devalue_texts, json_values),
    status=st.one_of(st.none(), st.integers(-1, 1000), st.text(max_size=5)),
    error=st.one_of(
        st.none(),
        json_values,
        st.fixed_dictionaries({"message": json_values, "status": json_values}),
    ),
    token=st.one_of(st.none(), st.text(max_size=80), st.binary(max_size=60).map(lambda b: b.hex())),
    refresh=st.one_of(st.booleans(), json_values),
)
def test_render_requests(
    app: Server, form: object, status: object, error: object, token: object, refresh: object
) -> None:
    payload = {"form": form, "status": status, "error": error, "token": token, "refresh": refresh}
    payload = {key: value for key, value in payload.items() if value is not None}
    headers = {"content-type": "application/json", "x-kite-render": "1", "accept": "text/html"}
    SENT["render request"] += 1
    answer = app.client.post(
        "/form", headers=headers, content=json.dumps(payload).encode(), timeout=CLIENT_TIMEOUT
    )
    if answer.status_code < 500 or not asked_for_5xx(payload, answer):
        check(answer)


def asked_for_5xx(payload: dict[str, object], answer: httpx.Response) -> bool:
    """Whether a 5xx answer to a render request is the page the runtime asked for: an error
    page (`error`, shown with its message) or a page rendered with a 5xx `status` (no error
    shown). A failure of the server would show its own error, "Internal Error"."""
    found = re.search(r'id="kite-page">(.*?)</script>', answer.text)
    if found is None:
        return False
    state = json.loads(found.group(1))
    error = payload.get("error")
    if isinstance(error, dict):
        return state["error"] is not None and state["error"]["message"] == error.get("message", "")
    status = payload.get("status")
    return type(status) is int and status == answer.status_code and state["error"] is None


@FUZZ
@given(
    st.one_of(st.binary(max_size=400), json_values.map(lambda v: json.dumps(v).encode())),
    st.sampled_from(["/form", "/api", "/boom/limits"]),
)
def test_json_bodies(app: Server, body: bytes, target: str) -> None:
    headers = {"content-type": "application/json", "x-kite-render": "1"}
    send(app, "json body", "POST", target, headers=headers, content=body)
    send(
        app,
        "json body",
        "POST",
        target,
        headers={"content-type": "application/json", "origin": app.url},
        content=body,
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"form": "' + b"[" * 50_000 + b'"}',
        b'{"form": "[' + b"1," * 100_000 + b'1]"}',
        b'{"form": "[[0]]"}',
        b'{"form": "[{\\"a\\": 0}]"}',
        b'{"form": "[[\\"Set\\", 0]]"}',
        b'{"form": "[[\\"BigInt\\", \\"' + b"9" * 100_000 + b'\\"]]"}',
        b'{"form": "[[\\"Date\\", \\"not a date\\"]]"}',
        b'{"token": "' + b"A" * 200_000 + b'"}',
        b"\xef\xbb\xbf{}",
        b"\xff\xfe{\x00}\x00",
    ],
    ids=[
        "deep JSON",
        "deep devalue",
        "a wide devalue",
        "self reference",
        "cycle via object",
        "set of itself",
        "a huge BigInt",
        "a bad date",
        "a huge token",
        "BOM",
        "UTF-16",
    ],
)
def test_render_request_corpus(app: Server, body: bytes) -> None:
    headers = {"content-type": "application/json", "x-kite-render": "1", "accept": "text/html"}
    send(app, "render request", "POST", "/form", headers=headers, content=body)
    send(
        app, "json body", "POST", "/api", headers={"content-type": "application/json"}, content=body
    )


# --- malformed HTTP on the wire ---------------------------------------------------------------

POST = b"POST /form?/login HTTP/1.1\r\nHost: x\r\n"
VALID = (
    b"POST /form?/login HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n"
    b"Connection: close\r\n\r\nname=x"
)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(VALID)),
            st.sampled_from(["cut", "insert", "delete", "flip"]),
            st.binary(min_size=1, max_size=8),
        ),
        max_size=4,
    )
)
def test_mutated_raw_requests(app: Server, mutations: list[tuple[int, str, bytes]]) -> None:
    data = VALID
    for at, kind, blob in mutations:
        at = min(at, len(data))
        if kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + blob + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(blob) :]
        elif at < len(data):
            data = data[:at] + bytes([data[at] ^ blob[0]]) + data[at + 1 :]
    raw_status(app, "raw http", data)


@FUZZ
@given(st.text(alphabet=string.ascii_lowercase[:6] + string.digits + "[]:.-_@/\\%é ", max_size=30))
def test_host_headers(app: Server, host: str) -> None:
    # The Host header feeds event.url and the Origin check: a form post reaches both.
    request = (
        f"POST /form?/login HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n"
        "Connection: close\r\n\r\nname=x"
    )
    raw_status(app, "raw http", request.encode("utf-8"))


@pytest.mark.parametrize(
    "host",
    [
        "127.[.0.1",
        "[::1]",
        "[::1]:80",
        "[:::::]",
        "[zz]",
        "x:99999",
        "x:abc",
        "a:b:c",
        "x:",
        "[",
        "]",
    ],
)
def test_host_corpus(app: Server, host: str) -> None:
    request = (
        f"POST /form?/login HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n"
        "Connection: close\r\n\r\nname=x"
    )
    raw_status(app, "raw http", request.encode())


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello on the plain port
        b"GET / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a b c\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",
        b"GET /\r\n\r\n",
        POST + b"Content-Length: -5\r\n\r\n",
        POST + b"Content-Length: 99999999999999999999\r\n\r\n",
        POST + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nname=x",
        POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
        POST + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        POST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        POST + b"Content-Length: 100\r\n\r\nshort",
        b"BREW /form HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 100_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 5000 + b"\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n bad folding\r\n\r\n",
        b"GET / HTTP/1.1\nHost: x\n\n",
        b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_raw_request_corpus(app: Server, request_bytes: bytes) -> None:
    raw_status(app, "raw http", request_bytes)
