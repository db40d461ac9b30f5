"""`kite new DIR`: the files it writes, and that the app it writes works.

The generated app is checked four ways: its own test suite passes, it is clean under ruff and
`mypy --strict` (Kite's own tools skip the template's `*.py-tpl` files), it serves real HTTP
with several workers, and a real browser can register with JavaScript on and off.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from support.servers import ServeApp, Server, run_kite

from kite.exceptions import KiteError
from kite.scaffold import create_project

EXPECTED_FILES = {
    ".gitignore",
    "README.md",
    "kite.toml",
    "pytest.ini",
    "src/app.html",
    "src/hooks.server.py",
    "src/lib/__init__.py",
    "src/lib/auth.py",
    "src/lib/db.py",
    "src/lib/messages.py",
    "src/routes/+error.html",
    "src/routes/+layout.html",
    "src/routes/+layout.server.py",
    "src/routes/+page.html",
    "src/routes/+page.server.py",
    "src/routes/login/+page.html",
    "src/routes/login/+page.server.py",
    "tests/conftest.py",
    "tests/test_app.py",
}
PASSWORD = "correct horse battery staple"
NATIVE = {"Accept": "text/html"}


def files_in(directory: Path) -> set[str]:
    return {
        path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()
    }


def run(command: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = tmp_path_factory.mktemp("scaffold") / "myapp"
    create_project(app)
    return app


@pytest.fixture
def server(served_app: ServeApp, app_dir: Path) -> Server:
    # Two workers: sessions must live in the database, not in one process's memory.
    database = app_dir.parent / "served.sqlite3"
    return served_app(app_dir, workers=2, env={"DATABASE_PATH": str(database)})


# --- the files ------------------------------------------------------------------------------


def test_kite_new_creates_the_app_and_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    app = tmp_path / "myapp"
    result = run_kite("new", app)
    assert result.returncode == 0, result.stderr
    assert str(app) in result.stdout
    assert files_in(app) == EXPECTED_FILES
    # Copied verbatim: the app's Jinja is for the app, not for the scaffolding.
    assert "{{ form.email or '' }}" in (app / "src/routes/login/+page.html").read_text()
    assert "*.sqlite3" in (app / ".gitignore").read_text().splitlines()

    (app / "README.md").write_text("mine")
    again = run_kite("new", app)
    assert again.returncode == 1
    assert str(app) in again.stderr
    assert "not empty" in again.stderr
    assert (app / "README.md").read_text() == "mine"


def test_an_existing_empty_directory_is_used(tmp_path: Path) -> None:
    create_project(tmp_path)
    assert files_in(tmp_path) == EXPECTED_FILES


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(KiteError, match="taken exists and is not a directory"):
        create_project(target)


# --- the generated app ------------------------------------------------------------------


def clean_environment() -> dict[str, str]:
    # Nothing of this test run may leak into the app's: no pytest options, no database. And
    # Python writes bytecode as it does for users, __pycache__ folders in src/routes included.
    hidden = {"PYTEST_ADDOPTS", "DATABASE_PATH", "MYPYPATH", "PYTHONDONTWRITEBYTECODE"}
    return {name: value for name, value in os.environ.items() if name not in hidden}


def test_the_generated_apps_own_tests_pass(tmp_path: Path) -> None:
    # A copy of its own: running the tests leaves __pycache__ folders in it.
    app_dir = tmp_path / "myapp"
    create_project(app_dir)
    # As its README says: `pytest` in the app's folder, with the app's own pytest.ini (which
    # makes every warning an error) and Kite's pytest plugin for the `client` fixture.
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    result = run(command, app_dir, clean_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "configfile: pytest.ini" in result.stdout
    assert "plugins:" in result.stdout and "kite-" in result.stdout
    assert " passed" in result.stdout
    assert "failed" not in result.stdout
    assert "warning" not in (result.stdout + result.stderr).lower()
    assert not list(app_dir.glob("*.sqlite3")), "the tests must not use the app's own database"


def test_the_generated_apps_tests_turn_warnings_into_errors(tmp_path: Path) -> None:
    app_dir = tmp_path / "myapp"
    create_project(app_dir)
    (app_dir / "tests" / "test_warns.py").write_text(
        "import warnings\n\n\ndef test_warns() -> None:\n"
        "    warnings.warn('deprecated', DeprecationWarning)\n"
    )
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_warns.py"]
    result = run(command, app_dir, clean_environment())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed" in result.stdout
    assert "DeprecationWarning: deprecated" in result.stdout


def test_the_generated_code_passes_ruff_and_strict_mypy(app_dir: Path, tmp_path: Path) -> None:
    env = clean_environment()
    # Kite's own rule selection; --isolated so that no configuration around the app applies.
    ruff = [sys.executable, "-m", "ruff"]
    options = ["--isolated", "--no-cache", "--line-length", "100"]
    rules = ["--select", "E,F,W,I,B,UP,SIM,RUF"]
    lint = run([*ruff, "check", *options, *rules, "."], app_dir, env)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    form = run([*ruff, "format", *options, "--check", "."], app_dir, env)
    assert form.returncode == 0, form.stdout + form.stderr
    # src/ is where Kite puts the app's `lib` on sys.path; explicit package bases keep the two
    # `+page.server.py` files apart.
    mypy = [sys.executable, "-m", "mypy", "--strict", "--explicit-package-bases", "--config-file="]
    mypy += ["--cache-dir", str(tmp_path / "mypy"), "src", "tests"]
    typed = run(mypy, app_dir, {**env, "MYPYPATH": "src"})
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_the_generated_app_serves_register_login_and_safe_redirects(server: Server) -> None:
    email = f"http-{uuid.uuid4().hex[:8]}@example.com"
    headers = {**NATIVE, "Origin": server.url}
    client = server.client

    response = client.post(
        "/login?/register", data={"email": email, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("sessionid=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert f"Signed in as <strong>{email}</strong>" in response.text
    # Several requests, so that both workers very likely answer one: the session is in SQLite.
    for _ in range(6):
        assert f"Signed in as <strong>{email}</strong>" in client.get("/").text

    client.cookies.clear()
    evil = client.post(
        "/login?/login&redirectTo=" + quote("https://evil.example", safe=""),
        data={"email": email, "password": PASSWORD},
        headers=headers,
    )
    assert evil.status_code == 200
    assert "location" not in evil.headers
    assert "Signed in as" in evil.text

    client.cookies.clear()
    home = client.post(
        "/login?/login&redirectTo=%2F%3Fwelcome",
        data={"email": email, "password": PASSWORD},
        headers=headers,
    )
    assert home.status_code == 303
    assert home.headers["location"] == "/?welcome"


def test_the_generated_app_refuses_a_cross_site_login(server: Server) -> None:
    response = server.client.post(
        "/login?/login",
        data={"email": "a@example.com", "password": PASSWORD},
        headers={**NATIVE, "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_register_and_log_out_in_a_browser(page: Page, page_js: bool, server: Server) -> None:
    email = f"browser-{'js' if page_js else 'nojs'}-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("navigation")).to_contain_text(f"Signed in as {email}")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("navigation")).not_to_contain_text("Signed in as")
