"""Kite's pytest plugin: the `app` and `client` fixtures, with no set-up code in the app.

Installed with Kite (entry point `pytest11`), so pytest loads it by itself::

    # tests/test_home.py
    def test_home(client):
        assert client.get("/").status_code == 200

The app is the nearest folder with a `kite.toml` (or a `src/routes/` folder), looking up
from the test file's folder, then from pytest's rootdir, then from the current directory;
the `kite_app` ini option names it instead (relative to the ini file). Each test gets a new
app and client, so an autouse fixture that sets environment variables (`monkeypatch.setenv`)
takes effect. A `conftest.py` fixture of the same name replaces any of these (`app`,
`client`, `kite_app_dir`). See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kite.server.app import create_app

if TYPE_CHECKING:
    from kite.testing import Client

__all__ = ["app", "client", "find_app_dir", "kite_app_dir"]

_INI_NAME = "kite_app"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        _INI_NAME,
        "the Kite app that the `app` and `client` fixtures serve: its folder, relative to "
        "the ini file (default: the nearest folder with kite.toml, from the rootdir up)",
        default="",
    )


def find_app_dir(config: pytest.Config, near: Path | None = None) -> Path:
    """The app's folder for a test (in the folder `near`); raises `pytest.UsageError` naming
    where it looked."""
    configured = str(config.getini(_INI_NAME))
    if configured:
        base = config.inipath.parent if config.inipath else config.rootpath
        folder = (base / configured).resolve()
        if not (folder / "src").is_dir():
            raise pytest.UsageError(
                f"{_INI_NAME} = {configured} names {folder}, which is not a Kite app "
                "(it has no src/ folder); point it at the folder that holds kite.toml and src/"
            )
        return folder
    starts = [config.rootpath.resolve(), Path.cwd().resolve()]
    if near is not None:
        # The test's own folder first: tests inside an app find that app wherever pytest runs.
        starts.insert(0, near.resolve())
    for start in starts:
        for folder in (start, *start.parents):
            if (folder / "kite.toml").is_file() or (folder / "src" / "routes").is_dir():
                return folder
    looked = " and ".join(str(start) for start in dict.fromkeys(starts))
    raise pytest.UsageError(
        f"the `app`/`client` fixtures found no Kite app: no folder with kite.toml or "
        f"src/routes/ at or above {looked}. Run pytest inside the app, set "
        f"`{_INI_NAME} = path/to/app` in its pytest configuration, or define an `app` fixture"
    )


@pytest.fixture
def kite_app_dir(request: pytest.FixtureRequest) -> Path:
    """The folder of the app under test (see `find_app_dir`)."""
    return find_app_dir(request.config, request.path.parent)


@pytest.fixture
def app(kite_app_dir: Path) -> Any:
    """A new instance of the app for each test: `kite.create_app(kite_app_dir)`."""
    return create_app(kite_app_dir)


@pytest.fixture
def client(app: Any) -> Iterator[Client]:
    """A `kite.testing.Client` for `app`, started (lifespan) and closed around the test."""
    # Imported here, not at the top: pytest loads this plugin in every run where Kite is
    # installed, and kite.testing needs httpx, which an app without tests may not have.
    from kite.testing import Client

    with Client(app) as test_client:
        yield test_client
