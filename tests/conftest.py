"""Shared fixtures: real server processes (serve_app, served_app) and a real browser (page).

Imports: tests/ is put on sys.path here, explicitly, so that `from support.servers import ...`
works from any test module regardless of pytest's import mode or whether tests/ ever gets an
__init__.py (pyproject has no `pythonpath` setting).

Which server fixture:
- `served_app(app_dir, ...)` (session scope): one server per distinct (app, options) for the
  whole run. The default for tests that only make requests. Its `.client` gets an empty cookie
  jar on each call, but the server's state (anything the app keeps in memory) is shared.
- `serve_app(app_dir, ...)` (function scope): a fresh server that this test owns and that is
  stopped when it ends. Use it when a test changes the app's files (dev mode reloads), needs
  fresh in-memory state, inspects `.log()` for its own output, or stops/crashes the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Generator, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import settings

# No deadline for any property test: how long an example takes depends on how busy the
# machine is, and tests assert no timings.
settings.register_profile("kite", deadline=None)
settings.load_profile("kite")

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

# Fixtures of tests/support/postgres.py (`postgres`: a throwaway cluster per session) and
# tests/support/redis_server.py (`redis_url`: a throwaway redis-server per session).
pytest_plugins = ["support.postgres", "support.redis_server"]
from support import APPS  # noqa: E402
from support.browser import CHROMIUM, LAUNCH_ARGS, MISSING_MESSAGE, chromium_version  # noqa: E402
from support.servers import (  # noqa: E402
    LIVE_SERVERS,
    ServeApp,
    Server,
    ServerStartError,
    free_port,
    kite_command,
    start_server,
)

BROWSER_TIMEOUT_MS = 10_000


def pytest_report_header(config: pytest.Config) -> str:
    return f"chromium: {chromium_version() or MISSING_MESSAGE}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # fixturenames is the full closure, so `page` users are caught through `browser`.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# --- servers -------------------------------------------------------------------------------

_LOG_OFFSETS = pytest.StashKey[dict[int, int]]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Remember where each running server's log stood, to report only this test's part of it.
    item.stash[_LOG_OFFSETS] = {id(s): s.log_path.stat().st_size for s in LIVE_SERVERS}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and report.when in ("setup", "call"):
        offsets = item.stash.get(_LOG_OFFSETS, {})
        for server in LIVE_SERVERS:
            with server.log_path.open("rb") as log:
                log.seek(offsets.get(id(server), 0))
                text = log.read()[-20_000:].decode("utf-8", errors="replace")
            if text.strip():
                report.sections.append((f"server log {server.url} (during this test)", text))
    return report


@pytest.fixture(scope="session")
def apps() -> Path:
    return APPS


def _start_kite(
    tmp_path_factory: pytest.TempPathFactory,
    app_dir: str | Path,
    *,
    dev: bool,
    workers: int,
    env: Mapping[str, str] | None,
    extra_args: Sequence[str],
) -> Server:
    port = free_port()
    command = kite_command(app_dir, port=port, dev=dev, workers=workers, extra_args=extra_args)
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    return start_server(command, port=port, log_path=log_path, env=env)


@pytest.fixture
def serve_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeApp]:
    with contextlib.ExitStack() as stack:

        def start(
            app_dir: str | Path,
            *,
            dev: bool = False,
            workers: int = 1,
            env: Mapping[str, str] | None = None,
            extra_args: Sequence[str] = (),
        ) -> Server:
            server = _start_kite(
                tmp_path_factory,
                app_dir,
                dev=dev,
                workers=workers,
                env=env,
                extra_args=extra_args,
            )
            stack.callback(server.stop)
            return server

        yield start


@pytest.fixture(scope="session")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeApp]:
    cache: dict[object, Server] = {}
    with contextlib.ExitStack() as stack:

        def get(
            app_dir: str | Path,
            *,
            dev: bool = False,
            workers: int = 1,
            env: Mapping[str, str] | None = None,
            extra_args: Sequence[str] = (),
        ) -> Server:
            env_key = frozenset((env or {}).items())
            key = (Path(app_dir).resolve(), dev, workers, env_key, tuple(extra_args))
            server = cache.get(key)
            if server is None:
                server = _start_kite(
                    tmp_path_factory,
                    app_dir,
                    dev=dev,
                    workers=workers,
                    env=env,
                    extra_args=extra_args,
                )
                stack.callback(server.stop)
                cache[key] = server
            elif server.process.poll() is not None:
                # Not restarted: a crash must stay visible, not be papered over.
                raise ServerStartError(
                    f"the shared server for {app_dir} exited with code "
                    f"{server.process.returncode} during an earlier test\n"
                    f"--- log tail ---\n{server.log_tail()}"
                )
            server.client.cookies.clear()
            return server

        yield get


# --- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(MISSING_MESSAGE)
        pytest.skip(MISSING_MESSAGE)
    # Match expect()'s patience to the actions' (its default is 5 s).
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _asyncio_usable_outside_the_browser(request: pytest.FixtureRequest) -> Iterator[None]:
    """Lift Playwright's claim on the thread's event loop for tests that don't drive a browser.

    Between its calls, Playwright's sync API leaves its own loop marked as the thread's running
    loop (see wait_for_future in playwright/_impl/_greenlets.py). Once the session's browser has
    started, asyncio.run() would then fail in every later test. Restored afterwards, because the
    next Playwright call resumes that loop. A test that uses `page`/`browser` cannot also use
    asyncio.run(); neither can a module- or session-scoped fixture first set up after the browser.
    """
    if "browser" in request.fixturenames:
        yield
    else:
        loop = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(None)
        try:
            yield
        finally:
            asyncio.events._set_running_loop(loop)


@pytest.fixture
def js_page(browser: Browser) -> Iterator[Page]:
    """A page with JavaScript on, for tests of the runtime itself (runs once)."""
    context = browser.new_context(java_script_enabled=True)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def page_js(request: pytest.FixtureRequest) -> bool:
    """Whether `page` runs JavaScript; a test that uses `page` runs once in each mode."""
    enabled: bool = request.param
    return enabled


@pytest.fixture
def page(browser: Browser, page_js: bool) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=page_js)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
