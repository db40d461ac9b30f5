"""Form bodies of every shape posted to the hostile app's actions: generated and mutated
multipart and urlencoded bodies, then a fixed corpus of the classic attacks (thousands of
parts, huge part headers, 100k fields, 1 MB keys)."""

from __future__ import annotations

import string
from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability.hostile_client import FUZZ, checked, hostile_server, multipart, send
from support.servers import ServeApp, Server

# Every place a form body can land: named actions (one reads a file), a default action, an
# endpoint, a page without actions (405) and no route at all (404).
TARGETS = ["/form?/login", "/form?/upload", "/form?/tags", "/boom/limits", "/api", "/", "/nope"]


@pytest.fixture
def app(served_app: ServeApp) -> Iterator[Server]:
    with checked(hostile_server(served_app)) as server:
        yield server


@pytest.fixture
def roomy(served_app: ServeApp) -> Iterator[Server]:
    """The app with a 4 MB body limit, so that the form parser's own limits are reached."""
    with checked(hostile_server(served_app, env={"BODY_SIZE_LIMIT": "4M"})) as server:
        yield server


def post(server: Server, target: str, content_type: str, body: bytes) -> None:
    headers = {"origin": server.url, "content-type": content_type}
    send(server, "form body", "POST", target, headers=headers, content=body)
    # The same body again as an enhanced request, answered with a JSON ActionResult.
    headers |= {"accept": "application/json", "x-sveltekit-action": "true"}
    send(server, "form body", "POST", target, headers=headers, content=body)


# --- generated multipart bodies -------------------------------------------------------------

names = st.one_of(
    st.sampled_from(["name", "file", "tag", "tag[]", "a[b][c]", "", "__proto__", "constructor"]),
    st.text(max_size=30),
)
filenames = st.one_of(
    st.none(),
    st.binary(max_size=40),
    st.sampled_from([b"../../etc/passwd", b"\xff\xfe.txt", b"a\x00b", b"C:\\x", b'"', b"%00"]),
)
part_headers = st.lists(
    st.tuples(
        st.sampled_from([b"Content-Type", b"Content-Transfer-Encoding", b"X-A", b""]),
        st.binary(max_size=60),
    ),
    max_size=3,
)


@st.composite
def multipart_bodies(draw: st.DrawFn) -> tuple[str, bytes]:
    boundary = draw(
        st.text(
            alphabet=string.ascii_letters + string.digits + "'()+_,-./:=?", min_size=1, max_size=70
        )
    )
    parts = []
    for name, filename, extra, content in draw(
        st.lists(st.tuples(names, filenames, part_headers, st.binary(max_size=300)), max_size=8)
    ):
        disposition = (
            b'Content-Disposition: form-data; name="' + name.encode("utf-8", "surrogatepass") + b'"'
        )
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        lines = [disposition] + [key + b": " + value for key, value in extra if key]
        parts.append((b"\r\n".join(lines), content))
    body = multipart(parts, boundary.encode())
    body = draw(mutated(body))
    declared = draw(st.one_of(st.just(boundary), st.text(max_size=20)))
    quoted = draw(st.booleans())
    content_type = (
        f'multipart/form-data; boundary="{declared}"'
        if quoted
        else f"multipart/form-data; boundary={declared}"
    )
    return content_type.strip(), body


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data`, unchanged or with a few byte-level mutations: cut, spliced, repeated."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "insert", "delete", "repeat"]))
        if kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = (
                data[:at]
                + draw(st.sampled_from([b"\r\n", b"--", b"\x00", b"\xff", b'"', b";"]))
                + data[at:]
            )
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 10)) :]
        else:
            data = data[:at] + data[at : at + 40] * draw(st.integers(2, 20)) + data[at:]
    return data


@FUZZ
@given(multipart_bodies(), st.sampled_from(TARGETS))
def test_generated_multipart(app: Server, generated: tuple[str, bytes], target: str) -> None:
    content_type, body = generated
    post(app, target, content_type, body)


# --- generated urlencoded bodies ------------------------------------------------------------

escapes = st.sampled_from(["%", "%z", "%zz", "%C0%AE", "%ff", "%00", "+", "&", "=", "%%", "%2"])
urlencoded_text = st.lists(st.one_of(st.text(max_size=10), escapes), max_size=12).map("".join)


@st.composite
def urlencoded_bodies(draw: st.DrawFn) -> bytes:
    pairs = draw(
        st.lists(st.tuples(st.one_of(names, urlencoded_text), urlencoded_text), max_size=20)
    )
    body = "&".join(f"{key}={value}" for key, value in pairs).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        body = quote_from_bytes(draw(st.binary(max_size=50))).encode() + b"&" + body
    return draw(mutated(body))


@FUZZ
@given(
    urlencoded_bodies(),
    st.sampled_from(TARGETS),
    st.sampled_from(["", "; charset=utf-8", "; charset=latin-1", "; charset=nope"]),
)
def test_generated_urlencoded(app: Server, body: bytes, target: str, charset: str) -> None:
    post(app, target, "application/x-www-form-urlencoded" + charset, body)


# --- the classic attacks ------------------------------------------------------------------

FIELD = b'Content-Disposition: form-data; name="tag"'
FILE = b'Content-Disposition: form-data; name="file"; filename="a.txt"'

MULTIPART_CORPUS = {
    "3000 parts": multipart([(FIELD, b"1")] * 3000),
    "100 files": multipart([(FILE, b"x")] * 100),
    "a 200 KB part header": multipart([(b"X-Big: " + b"y" * 200_000, b"1")]),
    "a 100 KB field name": multipart(
        [(b'Content-Disposition: form-data; name="' + b"x" * 100_000 + b'"', b"1")]
    ),
    "a 2 MB field": multipart([(b'Content-Disposition: form-data; name="name"', b"v" * 2_000_000)]),
    "a 2 MB file": multipart([(FILE, b"v" * 2_000_000)]),
    "an invalid UTF-8 filename": multipart(
        [(b'Content-Disposition: form-data; name="file"; filename="\xff\xfe\xc0\xae.txt"', b"1")]
    ),
    "a path as filename": multipart(
        [(b'Content-Disposition: form-data; name="file"; filename="../../../etc/passwd"', b"1")]
    ),
    "nested names": multipart(
        [(b'Content-Disposition: form-data; name="a[b][c][d][e]"', b"1")] * 50
    ),
    "duplicate names": multipart(
        [(b'Content-Disposition: form-data; name="name"', b"%d" % i) for i in range(150)]
    ),
    "no name": multipart([(b"Content-Disposition: form-data", b"no name")]),
    "no headers at all": multipart([(b"", b"body")]),
    "only opening boundaries": b"--B\r\n" * 10_000,
    "the closing boundary only": b"--B--",
    "an empty body": b"",
    "another boundary": multipart([(FIELD, b"1")], boundary=b"C"),
    "no closing boundary": multipart([(FIELD, b"1")])[:-8],
    "a boundary inside the data": multipart([(FIELD, b"--B\r\n--B--")]),
    "10k header lines": multipart([(b"\r\n".join([FIELD] + [b"X: y"] * 10_000), b"1")]),
}


@pytest.mark.parametrize("body", MULTIPART_CORPUS.values(), ids=MULTIPART_CORPUS.keys())
@pytest.mark.parametrize("target", ["/form?/upload", "/form?/tags", "/boom/limits"])
def test_multipart_corpus(roomy: Server, target: str, body: bytes) -> None:
    post(roomy, target, "multipart/form-data; boundary=B", body)


URLENCODED_CORPUS = {
    "bad escapes": b"name=%zz%&tag=%C0%AE%ff&%=%%",
    "only separators": b"&&&==&=&" * 1000,
    "100k fields": b"&".join(b"f%d=v" % i for i in range(100_000)),
    "100k names without values": b"&".join(b"f%d" % i for i in range(100_000)),
    "a 1 MB key": b"k" * 1_000_000 + b"=v",
    "a 1 MB value": b"name=" + b"v" * 1_000_000,
    "a 1 MB escaped value": b"name=" + b"%41" * 330_000,
    "a NUL byte": b"name=a%00b",
    "invalid UTF-8": b"name=\xff\xfe\xfd",
}


@pytest.mark.parametrize("body", URLENCODED_CORPUS.values(), ids=URLENCODED_CORPUS.keys())
@pytest.mark.parametrize("target", ["/form?/login", "/form?/tags", "/boom/limits"])
def test_urlencoded_corpus(roomy: Server, target: str, body: bytes) -> None:
    post(roomy, target, "application/x-www-form-urlencoded", body)


def test_limits_are_enforced(roomy: Server) -> None:
    """The fixture app allows 200 fields, 5 files and 64 KB parts (its kite.toml): more is a
    400 at once (the public message is the reason phrase, as for any of Kite's 4xx)."""
    form = {"origin": roomy.url, "content-type": "application/x-www-form-urlencoded"}
    files = {"origin": roomy.url, "content-type": "multipart/form-data; boundary=B"}
    cases = [
        (form, b"&".join(b"f%d=v" % i for i in range(201)), "Too many fields"),
        (files, multipart([(FIELD, b"1")] * 201), "Too many fields"),
        (files, multipart([(FILE, b"x")] * 6), "Too many files"),
        (files, multipart([(FIELD, b"v" * 70_000)]), "Field exceeded maximum size of 64KB"),
        (form, b"name=" + b"v" * 70_000, "Field exceeded maximum size of 64KB"),
    ]
    for headers, body, reason in cases:
        answer = send(roomy, "form body", "POST", "/boom/limits", headers=headers, content=body)
        assert answer.status_code == 400, reason
        assert answer.json()["error"]["message"] == "Bad Request", reason
    allowed = b"&".join(b"f%d=v" % i for i in range(200))
    answer = send(roomy, "form body", "POST", "/boom/limits", headers=form, content=allowed)
    assert answer.status_code == 200
