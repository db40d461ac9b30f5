"""The kite command: start-up errors name the file, `routes`, and `dev` reloading."""

import os
import signal
import time
from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp, run_kite


def make_app(root: Path, files: dict[str, str]) -> Path:
    files = {"src/routes/+page.html": "<h1>home</h1>", **files}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"src/routes/x/+page.server.py": "import nonexistent_module_xyz\n"},
            ["x/+page.server.py", "ModuleNotFoundError", "nonexistent_module_xyz"],
        ),
        (
            {
                "src/routes/x/+page.server.py": (
                    "def a(e): pass\nactions = {'default': a, 'login': a}\n"
                )
            },
            ["x/+page.server.py", "the default action cannot be used", "'login'"],
        ),
        (
            {"src/routes/(a)/about/+page.html": "a", "src/routes/(b)/about/+page.html": "b"},
            ["(a)/about", "(b)/about", "match the same URLs"],
        ),
        (
            {"src/routes/[slug/+page.html": "x"},
            ["[slug", "closing"],
        ),
        (
            {"src/routes/[...a]/[...b]/+page.html": "x"},
            ["[...a]/[...b]", "more than one [...rest]"],
        ),
        (
            {"src/routes/x/+page.html": "{% if %}"},
            ["x/+page.html:1", "template syntax error"],
        ),
        (
            {"src/routes/x/+page.svelte": "x"},
            ["+page.svelte", "did you mean +page.html"],
        ),
        (
            {"src/routes/x/+layout.server.py": "def a(e): pass\nactions = {'a': a}\n"},
            ["x/+layout.server.py", "a layout cannot have actions"],
        ),
        (
            {"src/routes/x/+server.py": "def get(event): pass\n"},
            ["x/+server.py", "write them in capitals"],
        ),
        (
            {"kite.toml": "bogus = 1\n"},
            ["kite.toml", "unknown setting 'bogus'"],
        ),
        (
            {"kite.toml": 'body_size_limit = "12X"\n'},
            ["kite.toml", "12X"],
        ),
    ],
)
def test_start_refuses_a_broken_app_naming_the_file(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    app = make_app(tmp_path / "app", files)
    result = run_kite("start", app, "--port", "1")
    assert result.returncode == 1
    for text in expected:
        assert text in result.stderr


def test_routes_prints_the_table() -> None:
    result = run_kite("routes", APPS / "basics")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ROUTE", "KIND", "METHODS"]
    table = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert table["/blog/[slug]"][0] == "page"
    assert table["/api/echo"][:2] == ["endpoint", "GET,HEAD,POST,PUT,DELETE"]
    assert table["/negotiation"][0] == "page+endpoint"
    ids = [line.split()[0] for line in lines[1:]]
    assert ids.index("/about") < ids.index("/blog/[slug]")


def wait_for(check: object, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # the server may be restarting
            pass
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_dev_reloads_a_changed_template(tmp_path: Path, serve_app: ServeApp) -> None:
    app = make_app(tmp_path / "app", {"src/routes/+page.html": "<h1>before</h1>"})
    server = serve_app(app, dev=True)
    assert "<h1>before</h1>" in server.client.get("/").text
    time.sleep(0.5)
    (app / "src/routes/+page.html").write_text("<h1>after</h1>", encoding="utf-8")
    wait_for(lambda: "<h1>after</h1>" in server.client.get("/").text)


def test_dev_shows_startup_errors_and_recovers(tmp_path: Path, serve_app: ServeApp) -> None:
    module = "src/routes/+page.server.py"
    app = make_app(tmp_path / "app", {module: "def load(event):\n    return {'n': 1}\n"})
    server = serve_app(app, dev=True)
    assert server.client.get("/").status_code == 200
    time.sleep(0.5)
    (app / module).write_text("def load(event)\n    return {}\n", encoding="utf-8")

    def broken() -> bool:
        response = server.client.get("/")
        return response.status_code == 500 and "+page.server.py" in response.text

    wait_for(broken)
    assert "SyntaxError" in server.client.get("/").text
    (app / module).write_text("def load(event):\n    return {'n': 2}\n", encoding="utf-8")
    wait_for(lambda: server.client.get("/").status_code == 200)


def test_dev_error_page_shows_the_traceback(tmp_path: Path, serve_app: ServeApp) -> None:
    app = make_app(
        tmp_path / "app",
        {
            "src/routes/+error.html": "<h1>{{ page.status }}</h1>",
            "src/routes/+page.server.py": "def load(event):\n    raise KeyError('boom')\n",
        },
    )
    dev = serve_app(app, dev=True)
    response = dev.client.get("/")
    assert response.status_code == 500
    assert "Traceback" in response.text and "+page.server.py" in response.text
    production = serve_app(app)
    response = production.client.get("/")
    assert response.status_code == 500
    assert "<h1>500</h1>" in response.text
    assert "Traceback" not in response.text and "boom" not in response.text


def test_start_with_several_workers_serves(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "basics", workers=2)
    for _ in range(10):
        response = server.client.get("/about")
        assert response.status_code == 200
        assert "<h1>About</h1>" in response.text


SINGLE_ACCEPT = "UV_TCP_SINGLE_ACCEPT"


@pytest.mark.parametrize(
    ("workers", "already", "expected"), [(2, None, "1"), (1, None, None), (2, "0", "0")]
)
def test_several_workers_accept_one_connection_per_wake_up(
    monkeypatch: pytest.MonkeyPatch, workers: int, already: str | None, expected: str | None
) -> None:
    # Measured with bench/: without it, in every run one or two of the six rows had all
    # 32 of wrk's connections on one worker (libuv accepts every waiting connection in the
    # worker that runs first); with it, none in 18 rows. A value of the user's own stays.
    import uvicorn

    from kite.cli import main
    from kite.server import supervisor

    seen: list[str | None] = []

    def record(*arguments: object, **options: object) -> None:
        seen.append(os.environ.get(SINGLE_ACCEPT))

    # One worker: uvicorn.run; several: Kite's supervisor (kite.server.supervisor).
    monkeypatch.setattr(uvicorn, "run", record)
    monkeypatch.setattr(supervisor, "run_workers", record)
    # What `kite start` sets in its environment, and its SIGTERM handler, stay in this test.
    environment = {name: value for name, value in os.environ.items() if name != SINGLE_ACCEPT}
    if already is not None:
        environment[SINGLE_ACCEPT] = already
    monkeypatch.setattr(os, "environ", environment)
    monkeypatch.setattr(signal, "signal", lambda *arguments: None)
    assert main(["start", str(APPS / "basics"), "--workers", str(workers)]) == 0
    assert seen == [expected]
