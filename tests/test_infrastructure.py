"""The fixtures in conftest.py and tests/support, checked without Kite's own server.

Servers here are `python -m http.server`, or a stand-in `kite` package (put first on the child's
PYTHONPATH) that serves files the same way, so that serve_app/served_app are exercised exactly as
Kite's tests use them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support import APPS, servers
from support.servers import (
    LIVE_SERVERS,
    ServeApp,
    ServerStartError,
    free_port,
    kite_command,
    running_server,
    start_server,
)

INDEX_HTML = """<!doctype html>
<html>
  <head><title>infrastructure</title></head>
  <body>
    <p id="status">rendered by the server</p>
    <noscript><p id="noscript">JavaScript is off</p></noscript>
    <script>document.getElementById("status").textContent = "changed by JavaScript";</script>
  </body>
</html>
"""

FAKE_KITE_MAIN = """
import argparse, functools, http.server, sys

print("fake kite argv:", " ".join(sys.argv[1:]), flush=True)
parser = argparse.ArgumentParser()
parser.add_argument("command", choices=["dev", "start"])
parser.add_argument("app_dir")
parser.add_argument("--host", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--workers", type=int, default=1)
args, _ = parser.parse_known_args()
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=args.app_dir)
http.server.ThreadingHTTPServer((args.host, args.port), handler).serve_forever()
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "index.html").write_text(INDEX_HTML, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def fake_kite_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("fake-kite")
    (root / "kite").mkdir()
    (root / "kite" / "__init__.py").write_text("", encoding="utf-8")
    (root / "kite" / "__main__.py").write_text(FAKE_KITE_MAIN, encoding="utf-8")
    # PYTHONPATH comes before site-packages, so it shadows the installed (editable) kite.
    return {"PYTHONPATH": str(root)}


def http_server_command(directory: Path, port: int) -> list[str]:
    bind = ["--bind", "127.0.0.1", "--directory", str(directory), str(port)]
    return [sys.executable, "-m", "http.server", *bind]


def accepts_connections(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- process helpers -----------------------------------------------------------------------


def test_free_port_is_bindable() -> None:
    port = free_port()
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_running_server_answers_then_is_gone(site: Path, tmp_path: Path) -> None:
    port = free_port()
    command = http_server_command(site, port)
    with running_server(command, port=port, log_path=tmp_path / "log") as server:
        assert server.url == f"http://127.0.0.1:{port}"
        assert server.port == port
        assert server in LIVE_SERVERS
        response = server.client.get("/")
        assert response.status_code == 200
        assert "rendered by the server" in response.text
        assert '"GET / HTTP/1.1" 200' in server.log()
    assert server.process.poll() is not None
    assert server.client.is_closed
    assert server not in LIVE_SERVERS
    assert not accepts_connections(port)


def test_client_does_not_follow_redirects(site: Path, tmp_path: Path) -> None:
    (site / "folder").mkdir(exist_ok=True)
    port = free_port()
    with running_server(http_server_command(site, port), port=port, log_path=tmp_path / "log") as s:
        # http.server redirects a directory without its trailing slash.
        response = s.client.get("/folder")
        assert response.status_code == 301
        assert response.headers["location"] == "/folder/"


def test_start_reports_early_exit_with_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "print('cannot start: bad config'); raise SystemExit(3)"]
    live_before = list(LIVE_SERVERS)  # shared servers of other tests may be running
    with pytest.raises(ServerStartError, match="exited with code 3") as info:
        start_server(command, port=free_port(), log_path=tmp_path / "log")
    assert "cannot start: bad config" in str(info.value)
    assert live_before == LIVE_SERVERS


def test_start_times_out_and_stops_the_process(tmp_path: Path) -> None:
    code = "import os, time; print('pid', os.getpid(), flush=True); time.sleep(60)"
    log_path = tmp_path / "log"
    with pytest.raises(ServerStartError, match="did not answer HTTP") as info:
        start_server([sys.executable, "-c", code], port=free_port(), log_path=log_path, timeout=1)
    pid = int(log_path.read_text().split()[1])
    assert f"pid {pid}" in str(info.value)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_stop_escalates_to_sigkill(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(servers, "STOP_TIMEOUT", 0.5)
    port = free_port()
    code = textwrap.dedent(
        f"""
        import runpy, signal, sys
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.argv = ["http.server", "--bind", "127.0.0.1", "--directory", {str(site)!r}, "{port}"]
        runpy.run_module("http.server", run_name="__main__")
        """
    )
    with running_server([sys.executable, "-c", code], port=port, log_path=tmp_path / "log") as s:
        assert s.client.get("/").status_code == 200
    assert s.process.returncode == -signal.SIGKILL


def test_env_reaches_the_process(tmp_path: Path) -> None:
    port = free_port()
    code = (
        "import os; print('VALUE=' + os.environ['KITE_TEST_VALUE'], flush=True);"
        f"import runpy, sys; sys.argv = ['x', '--bind', '127.0.0.1', '{port}'];"
        "runpy.run_module('http.server', run_name='__main__')"
    )
    env = {"KITE_TEST_VALUE": "from the test"}
    command = [sys.executable, "-c", code]
    with running_server(command, port=port, log_path=tmp_path / "log", env=env, cwd=tmp_path) as s:
        assert "VALUE=from the test" in s.log()


def test_kite_command() -> None:
    assert kite_command("app", port=1234) == [
        *(sys.executable, "-m", "kite", "start", "app"),
        *("--host", "127.0.0.1", "--port", "1234"),
    ]
    assert kite_command(Path("app"), port=1, dev=True, workers=2, extra_args=["--x"])[3:] == [
        *("dev", "app", "--host", "127.0.0.1", "--port", "1", "--workers", "2", "--x"),
    ]


def test_apps_dir(apps: Path) -> None:
    assert apps == APPS == Path(__file__).resolve().parent / "apps"


# --- serve_app / served_app (through a stand-in `kite`) ------------------------------------


def test_serve_app_starts_kite(
    serve_app: ServeApp, site: Path, fake_kite_env: dict[str, str]
) -> None:
    server = serve_app(site, dev=True, workers=2, env=fake_kite_env, extra_args=["--flag"])
    assert server.client.get("/").status_code == 200
    assert (
        f"fake kite argv: dev {site} --host 127.0.0.1 --port {server.port} --workers 2 --flag"
        in server.log()
    )


def test_served_app_is_shared_per_options(
    served_app: ServeApp, site: Path, fake_kite_env: dict[str, str]
) -> None:
    first = served_app(site, env=fake_kite_env)
    first.client.cookies.set("session", "abc")
    again = served_app(str(site), env=dict(fake_kite_env))
    assert again is first
    assert not again.client.cookies, "each call hands out an empty cookie jar"
    other = served_app(site, env={**fake_kite_env, "X": "1"})
    assert other is not first
    assert other.port != first.port
    assert f"fake kite argv: start {site}" in other.log()


# --- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("site-log") / "log"
    with running_server(http_server_command(site, port), port=port, log_path=log_path) as s:
        yield s.url


def test_page_runs_in_both_modes(
    page: Page, page_js: bool, site_url: str, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("browser") is not None
    page.goto(site_url)
    if page_js:
        expect(page.locator("#status")).to_have_text("changed by JavaScript")
        expect(page.locator("#noscript")).to_have_count(0)
    else:
        expect(page.locator("#status")).to_have_text("rendered by the server")
        expect(page.locator("#noscript")).to_be_visible()


def test_no_browser_marker_without_page(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("browser") is None


def test_asyncio_works_after_the_browser_started() -> None:
    # Runs after the page tests above: the Playwright session is alive by now.
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
