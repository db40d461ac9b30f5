"""The request path's fast routes give the answers of the slow ones they replace: data tokens
(marshal or devalue inside AES-GCM), urlencoded form parsing, loads started without a task."""

from __future__ import annotations

import asyncio
import base64
import contextvars
import datetime
import inspect
import random
import re
import time

import pytest
from starlette.datastructures import Headers
from starlette.formparsers import FormParser, MultiPartException

from kite.exceptions import RequestError
from kite.server import tokens
from kite.server.body import parse_urlencoded
from kite.server.load import start_eagerly
from kite.server.tokens import DataSealer

FOLDERS = ["", "page:/todos"]


def _sealer(secret: str = "s3cret", **options: int) -> DataSealer:
    settings = {"max_size": 32 * 1024, "max_age": 3600, **options}
    return DataSealer(secret, reducers={}, revivers={}, **settings)


def test_a_token_gives_back_exactly_the_data_it_sealed() -> None:
    data = [{"user": {"id": 1, "name": "Ada"}}, {"todos": [(1, "a"), (2, "b")], "ratio": 0.5}]
    sealer = _sealer()
    token = sealer.seal(FOLDERS, data)
    assert token is not None
    # The browser sees nothing readable, and tuples come back as tuples.
    assert "Ada" not in token and "Ada" not in base64.urlsafe_b64decode(token + "==").decode(
        "latin-1"
    )
    assert sealer.open(token, FOLDERS) == data
    assert sealer.open(token, FOLDERS)[1]["todos"][0] == (1, "a")


def test_data_marshal_cannot_write_goes_through_devalue() -> None:
    at = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    data = [{"user": "Ada"}, {"at": at, "todos": [1, 2]}]
    sealer = _sealer()
    token = sealer.seal(FOLDERS, data)
    assert token is not None
    assert sealer.open(token, FOLDERS) == data


def test_data_neither_can_write_has_no_token() -> None:
    assert _sealer().seal(FOLDERS, [{"thing": object()}, {}]) is None


def test_an_altered_foreign_expired_or_oversized_token_is_ignored() -> None:
    sealer = _sealer()
    token = sealer.seal(FOLDERS, [{"a": 1}, {"b": 2}])
    assert token is not None
    flipped = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    assert sealer.open(flipped, FOLDERS) == []
    assert sealer.open(token[:20], FOLDERS) == []
    assert sealer.open("not a token!", FOLDERS) == []
    assert _sealer("another secret").open(token, FOLDERS) == []
    assert _sealer(max_age=-61).open(token, FOLDERS) == []
    assert _sealer(max_size=10).open(token, FOLDERS) == []
    assert _sealer(max_size=10).seal(FOLDERS, [{"a": 1}, {"b": 2}]) is None


def test_a_token_from_another_page_gives_only_the_shared_layouts() -> None:
    sealer = _sealer()
    token = sealer.seal(["", "app", "page:/app/a"], [{"root": 1}, {"app": 2}, {"a": 3}])
    assert token is not None
    assert sealer.open(token, ["", "app", "page:/app/b"]) == [{"root": 1}, {"app": 2}]
    assert sealer.open(token, ["", "page:/other"]) == [{"root": 1}]


def test_tokens_are_sealed_with_the_time() -> None:
    sealer = _sealer()
    before = int(time.time())
    token = sealer.seal(FOLDERS, [{}, {}])
    assert token is not None
    sealed_at = int.from_bytes(base64.urlsafe_b64decode(token + "==")[:8], "big")
    assert before <= sealed_at <= time.time()


def test_tokens_are_base64url_without_padding_and_never_share_a_nonce() -> None:
    sealer = _sealer()
    nonces = set()
    for size in range(600):  # past one batch of nonces, every padding length
        token = sealer.seal(FOLDERS, [{}, {"text": "x" * size}])
        assert token is not None and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        nonces.add(base64.urlsafe_b64decode(token + "==")[8:20])
        assert sealer.open(token, FOLDERS)[1]["text"] == "x" * size
    assert len(nonces) == 600


def test_the_same_data_gets_the_same_token_for_a_few_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sealer = _sealer()
    now = 1_800_000_000.0
    monkeypatch.setattr(tokens.time, "time", lambda: now)

    # marshal marks objects that something else also holds, so the bytes of equal data
    # can differ with who holds it (pytest's assert does): each seal is made in one place.
    def seal(*posts: str) -> str:
        token = sealer.seal(FOLDERS, [{}, {"posts": list(posts)}])
        assert token is not None
        return token

    first = seal("a", "b")
    assert seal("a", "b") == first
    # Other data, or the same page's data changing back, is sealed anew.
    other = seal("a", "c")
    assert other != first
    again = seal("a", "b")
    assert again not in (first, other)
    assert seal("a", "b") == again
    now += tokens.REUSE_SECONDS
    later = seal("a", "b")
    assert later != again
    assert sealer.open(later, FOLDERS) == [{}, {"posts": ["a", "b"]}]


def test_tokens_are_remembered_for_a_bounded_number_of_pages() -> None:
    sealer = _sealer()
    first = sealer.seal(["", "page:/0"], [{}, {"n": 0}])
    for page in range(1, tokens.REUSE_PAGES + 1):
        sealer.seal(["", f"page:/{page}"], [{}, {"n": page}])
    assert len(sealer._recent) == tokens.REUSE_PAGES
    # /0 was the oldest, and is forgotten: its data is sealed again.
    assert sealer.seal(["", "page:/0"], [{}, {"n": 0}]) != first
    # A page's own folders are part of what is compared, not only its name.
    shared = sealer.seal(["", "page:/x"], [{}, {}])
    assert sealer.seal(["", "app", "page:/x"], [{}, {}, {}]) != shared


_PIECES = [b"a", b"b", b"=", b"&", b"%", b"2", b"0", b"+", b"\xc3", b"\xa9", b"%C3%A9", b"%zz"]
_PIECES += [b"%C3", b"%a9", b"%FF", b"%e2%82", b"%25"]  # split and broken UTF-8


async def _starlette_form(body: bytes, max_fields: int, max_part_size: int) -> object:
    async def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(body), 3):
            yield body[start : start + 3]

    parser = FormParser(Headers({}), chunks(), max_fields=max_fields, max_part_size=max_part_size)
    try:
        return (await parser.parse()).multi_items()
    except MultiPartException as exc:
        return f"error: {exc.message}"


def _kite_form(body: bytes, max_fields: int, max_part_size: int) -> object:
    try:
        return parse_urlencoded(body, max_fields=max_fields, max_part_size=max_part_size)
    except RequestError as exc:
        return f"error: {exc.detail.removeprefix('Malformed form data: ')}"


# Starlette's urlencoded parser takes limits in its 1.x releases; before, nothing to compare.
@pytest.mark.skipif(
    "max_fields" not in inspect.signature(FormParser).parameters,
    reason="this Starlette's FormParser has no limits",
)
def test_urlencoded_bodies_read_as_starlettes_parser_reads_them() -> None:
    generator = random.Random(7)
    for _ in range(3000):
        body = b"".join(generator.choice(_PIECES) for _ in range(generator.randint(0, 14)))
        max_fields = generator.choice([1000, 2, 3])
        max_part_size = generator.choice([1024 * 1024, 4, 6])
        expected = asyncio.run(_starlette_form(body, max_fields, max_part_size))
        found = _kite_form(body, max_fields, max_part_size)
        if not isinstance(found, str):
            found = found.multi_items()  # type: ignore[attr-defined]
        assert found == expected, body


_var: contextvars.ContextVar[int] = contextvars.ContextVar("hot_paths_var", default=0)


async def _returns_at_once() -> int:
    _var.set(5)
    return 1


async def _waits(value: int) -> int:
    _var.set(value)
    await asyncio.sleep(0)  # a bare yield to the loop, then a real wait
    await asyncio.sleep(0.2)
    return _var.get()


async def _fails_at_once() -> int:
    raise ValueError("no")


async def _handles_cancellation() -> str:
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        return "cleaned up"
    return "slept"


def test_a_load_that_never_waits_is_done_at_once_in_its_own_context() -> None:
    async def main() -> None:
        future = start_eagerly(_returns_at_once())
        assert future.done() and future.result() == 1
        assert _var.get() == 0
        failed = start_eagerly(_fails_at_once())
        assert isinstance(failed.exception(), ValueError)

    asyncio.run(main())


def test_loads_that_wait_still_run_concurrently() -> None:
    async def main() -> None:
        first, second = start_eagerly(_waits(7)), start_eagerly(_waits(8))
        assert not first.done()
        assert await asyncio.gather(first, second) == [7, 8]
        assert _var.get() == 0
        # Each of these finishes only once the other has started: run one after the
        # other, the first would wait for ever (here: fail after 5 s).
        ready = [asyncio.Event(), asyncio.Event()]

        async def meet(mine: int) -> int:
            ready[mine].set()
            await ready[1 - mine].wait()
            return mine

        both = asyncio.gather(start_eagerly(meet(0)), start_eagerly(meet(1)))
        assert await asyncio.wait_for(both, timeout=5) == [0, 1]

    asyncio.run(main())


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_a_waiting_load_can_be_cancelled(loop: str) -> None:
    async def main() -> None:
        future = start_eagerly(_handles_cancellation())
        await asyncio.sleep(0.01)
        future.cancel()
        assert await future == "cleaned up"

    if loop == "uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())


def test_request_headers_answer_as_starlettes_do() -> None:
    from kite.server.body import IndexedHeaders

    raw = [(b"accept", b"text/html"), (b"cookie", b"a=1"), (b"accept", b"application/json")]
    scope = {"type": "http", "headers": raw}
    ours, theirs = IndexedHeaders(scope), Headers(scope=scope)
    for name in ("accept", "Accept", "COOKIE", "missing"):
        assert ours.get(name) == theirs.get(name)
        assert (name in ours) == (name in theirs)
        assert ours.get(name, "default") == theirs.get(name, "default")
    assert ours["Accept"] == "text/html"
    assert ours.getlist("accept") == ["text/html", "application/json"]
    with pytest.raises(KeyError):
        ours["missing"]
