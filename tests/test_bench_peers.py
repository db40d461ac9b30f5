"""The benchmark's newer contenders answer every scenario as the check wants: the async twin
of kite-plain (bench/harness/twin.py), made from kite-plain by an explicit table that fails
loudly when the app drifts from it, and the hand-written FastAPI app (when FastAPI, which
bench/run installs, is there). Real servers; the numbers are not checked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support.servers import ServeApp, free_port, running_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from harness import twin  # noqa: E402
from harness.paths import APPS  # noqa: E402
from harness.scenarios import ENDPOINT, SCENARIOS  # noqa: E402

LAYOUT = "src/routes/+layout.server.py"
HOOKS = "src/hooks.server.py"
ENDPOINT_FILE = "src/routes/api/todos/+server.py"


@pytest.mark.parametrize(
    ("path", "plain", "expected"),
    [
        (LAYOUT, "def load(event):\n    return {}\n", "async def load(event):\n    return {}\n"),
        (
            HOOKS,
            "def handle(event, resolve) -> Awaitable[Response]:\n    return resolve(event)\n",
            "async def handle(event, resolve) -> Response:\n    return await resolve(event)\n",
        ),
        # Helpers with a leading underscore stay plain.
        (
            LAYOUT,
            "def _user(event):\n    pass\ndef load(event):\n    pass\n",
            "def _user(event):\n    pass\nasync def load(event):\n    pass\n",
        ),
    ],
)
def test_the_twin_makes_the_listed_functions_async(path: str, plain: str, expected: str) -> None:
    assert twin.asynchronous(path, plain) == expected


@pytest.mark.parametrize(
    ("path", "plain", "complaint"),
    [
        (LAYOUT, "def lod(event):\n    pass\n", "expected one module-level `def load(`"),
        (LAYOUT, "def load(e):\n    pass\ndef load(e):\n    pass\n", "found 2"),
        (LAYOUT, "def load(e):\n    pass\ndef actions(e):\n    pass\n", "`def actions` would stay"),
        (HOOKS, "def handle(event, resolve):\n    return resolve(event)\n", "-> Awaitable"),
        (ENDPOINT_FILE, "def GET(e):\n    pass\ndef PUT(e):\n    pass\n", "`def PUT` would"),
    ],
)
def test_the_twin_fails_loudly_when_the_app_drifts(path: str, plain: str, complaint: str) -> None:
    with pytest.raises(twin.TwinError, match=r"bench/harness/twin\.py") as raised:
        twin.asynchronous(path, plain)
    assert complaint in str(raised.value)


def test_the_async_twin_answers_every_scenario(serve_app: ServeApp) -> None:
    folder = twin.write_twin()
    server = serve_app(folder)
    problems = {s.name: s.check("127.0.0.1", server.port) for s in [*SCENARIOS, ENDPOINT]}
    assert problems == dict.fromkeys(problems)
    # The same code as kite-plain but async: the twin's functions are coroutines.
    page = (folder / "src/routes/todos/+page.server.py").read_text()
    assert "async def load(" in page and "async def toggle(" in page
    assert "async def GET(" in (folder / ENDPOINT_FILE).read_text()


def test_the_plain_app_answers_its_endpoint_scenario(serve_app: ServeApp) -> None:
    # bench/plain_cost.py times it; bench/run's contenders have no such route.
    server = serve_app(APPS / "kite-plain")
    assert ENDPOINT.check("127.0.0.1", server.port) is None
    assert "\ndef GET(" in (APPS / "kite-plain" / ENDPOINT_FILE).read_text()


def test_the_fastapi_app_answers_every_scenario(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="bench/run installs FastAPI for its contender")
    port = free_port()
    command = [sys.executable, str(ROOT / "bench/apps/serve.py"), "fastapi_app:app"]
    with running_server(
        [*command, "--port", str(port)], port=port, log_path=tmp_path / "fastapi.log"
    ) as server:
        problems = {s.name: s.check("127.0.0.1", server.port) for s in SCENARIOS}
    assert problems == dict.fromkeys(problems)
