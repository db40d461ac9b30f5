"""Kite's guards around the parts of uvicorn, Starlette and Jinja that are not their public
API (docs/architecture.md): each notices when its part is missing, and the server then
falls back to the library's own way and still answers correctly, pipelining included."""

from __future__ import annotations

import importlib.metadata
import logging
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from starlette.requests import Request
from support import APPS
from support.servers import Server, free_port, running_server
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

import kite.server.body
import kite.server.protocol
from kite.cli import http_protocol
from kite.server.body import starlette_body_state
from kite.server.jinja import FAST_TEMPLATES, missing_internals
from kite.server.protocol import KiteHttpProtocol, missing_features

APP = APPS / "guards"
LAUNCHER = Path(__file__).resolve().parents[1] / "support" / "without_internals.py"
FALLBACK_LINES = {
    "uvicorn": "serving with uvicorn's own httptools protocol",
    "starlette": "Kite reads request bodies through Starlette's own body()",
    "jinja": "rendering with Jinja's own code generator",
}


def _uvicorn_version() -> tuple[int, ...]:
    return tuple(int(part) for part in importlib.metadata.version("uvicorn").split(".")[:2])


# --- what the guards find in the libraries installed ----------------------------------------


def test_the_installed_uvicorn_is_checked_for_what_kites_protocol_needs() -> None:
    # uvicorn 0.45 split _start_asgi_task out of its protocol; older ones (the lowest that
    # pyproject.toml allows among them) are served with uvicorn's own protocol.
    expected = [] if _uvicorn_version() >= (0, 45) else ["_start_asgi_task()"]
    assert missing_features() == expected
    assert (http_protocol() is KiteHttpProtocol) == (expected == [])


def test_the_installed_starlette_and_jinja_have_what_kite_builds_on() -> None:
    assert starlette_body_state() == []
    assert kite.server.body.FAST_BODY
    assert missing_internals() == []
    assert FAST_TEMPLATES


# --- each guard notices a missing part -------------------------------------------------------


def test_a_uvicorn_protocol_without_a_method_kite_calls_is_noticed() -> None:
    class Older(HttpToolsProtocol):
        _start_asgi_task = None  # type: ignore[assignment]

    assert missing_features(Older) == ["_start_asgi_task()"]


def test_a_uvicorn_protocol_without_the_state_kite_reads_is_noticed() -> None:
    class Changed(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            del self.pipeline

    assert missing_features(Changed) == [*missing_features(), "pipeline"]


def test_a_uvicorn_protocol_that_cannot_be_made_as_kite_makes_it_is_noticed() -> None:
    class Changed(HttpToolsProtocol):
        def __init__(self, config: Any) -> None:
            raise AssertionError("not reached")

    problems = missing_features(Changed)  # type: ignore[arg-type]
    assert problems[:-1] == missing_features()
    assert problems[-1].startswith("__init__ (TypeError")


def test_kite_start_logs_one_line_when_it_falls_back_to_uvicorns_protocol(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(kite.server.protocol, "REQUIRED_METHODS", ("_no_such_method",))
    with caplog.at_level(logging.WARNING, logger="kite"):
        assert http_protocol() == "httptools"
    [record] = caplog.records
    assert "lacks _no_such_method()" in record.getMessage()
    assert FALLBACK_LINES["uvicorn"] in record.getMessage()


def test_a_starlette_whose_stream_ignores_a_body_read_earlier_is_noticed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Changed(Request):
        async def stream(self) -> Any:  # type: ignore[override]
            yield b"from receive"

    monkeypatch.setattr(kite.server.body, "Request", Changed)
    assert starlette_body_state() == ["stream() yielding the body kept in _body"]


def test_a_jinja_without_a_generator_method_kite_overrides_is_noticed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(jinja2.compiler.CodeGenerator, "_output_child_post")
    assert missing_internals() == ["CodeGenerator._output_child_post"]


# --- and the server still answers, each guard forced to fall back ---------------------------


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """A server as usual, and one with every part taken away (see without_internals.py)."""
    logs = tmp_path_factory.mktemp("guards")
    usual_port, fallback_port = free_port(), free_port()
    usual = [sys.executable, "-m", "kite", "start", str(APP), "--port", str(usual_port)]
    fallback = [sys.executable, str(LAUNCHER), ",".join(FALLBACK_LINES), "start", str(APP)]
    fallback += ["--port", str(fallback_port)]
    with (
        running_server(usual, port=usual_port, log_path=logs / "usual.log") as first,
        running_server(fallback, port=fallback_port, log_path=logs / "fallback.log") as second,
    ):
        yield {"usual": first, "fallback": second}


def test_every_guard_logs_once_that_it_fell_back(servers: dict[str, Server]) -> None:
    log = servers["fallback"].log()
    for part, line in FALLBACK_LINES.items():
        assert log.count(line) == 1, f"{part}: {log}"
    # The usual server falls back only where the installed uvicorn is too old.
    usual = servers["usual"].log()
    assert (FALLBACK_LINES["uvicorn"] in usual) == bool(missing_features())
    assert FALLBACK_LINES["starlette"] not in usual
    assert FALLBACK_LINES["jinja"] not in usual


def test_pages_render_the_same_after_the_fallbacks(servers: dict[str, Server]) -> None:
    usual, fallback = (servers[name].client.get("/") for name in ("usual", "fallback"))
    assert usual.status_code == fallback.status_code == 200
    assert "<li>&lt;tea&gt;: done</li><li>milk &amp; honey: open</li>" in usual.text
    assert _without_tokens(fallback.text) == _without_tokens(usual.text)


@pytest.mark.parametrize("server", ["usual", "fallback"])
def test_forms_and_json_bodies_are_read_after_the_fallbacks(
    servers: dict[str, Server], server: str
) -> None:
    client = servers[server].client
    origin = {"origin": servers[server].url, "accept": "text/html"}
    posted = client.post(
        "/", data={"name": "Ann"}, files={"upload": ("a.txt", b"12345")}, headers=origin
    )
    assert posted.status_code == 200
    assert '<p id="result">Ann a.txt 5</p>' in posted.text
    urlencoded = client.post("/", data={"name": "Bo & Co"}, headers=origin)
    assert '<p id="result">Bo &amp; Co  </p>' in urlencoded.text
    echoed = client.post("/api", json={"a": [1, "é"]}, headers=origin)
    assert echoed.json() == {"received": {"a": [1, "é"]}}
    malformed = client.post(
        "/api", content=b"{", headers={**origin, "content-type": "application/json"}
    )
    assert malformed.status_code == 400


@pytest.mark.parametrize("server", ["usual", "fallback"])
def test_pipelined_requests_are_answered_after_the_fallbacks(
    servers: dict[str, Server], server: str
) -> None:
    port = servers[server].port
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request * 4)
        received = b""
        while received.count(b"</html>") < 4:
            chunk = connection.recv(65536)
            assert chunk, f"the server closed the connection after {received[:300]!r}"
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 4


def _without_tokens(html: str) -> str:
    """A page without its sealed page state, which differs on every render."""
    lines = [line for line in html.splitlines() if "kite" not in line.lower()]
    return "\n".join(lines)
