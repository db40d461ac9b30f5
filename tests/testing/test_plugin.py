"""Kite's pytest plugin, run for real: pytest in a subprocess, in a copy of a fixture app.

The plugin is found through its entry point (as in a user's project), so these tests fail if
the entry point or a fixture is missing, finds the wrong app, or runs set-up in the wrong order.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import APPS

TEST_FILE = """
from kite.testing import Client


def test_client_and_app(client: Client, app) -> None:
    assert client.app is app
    assert "<h1>Home</h1>" in client.get("/").text
    response = client.action("/login", "login", {"name": "Ada"}, enhanced=True)
    assert response.result.data == {"welcome": "Ada"}


def test_each_test_gets_a_new_client(client: Client) -> None:
    assert not client.cookies
"""


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Nothing of this run's own configuration leaks in; -W error as the scaffold's tests run.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "ORIGIN")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", *args]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    shutil.copytree(APPS / "testing", app, ignore=shutil.ignore_patterns("__pycache__"))
    (app / "tests").mkdir()
    (app / "tests" / "test_app.py").write_text(TEST_FILE)
    return app


def test_a_new_apps_tests_need_no_set_up_code(project: Path) -> None:
    result = run_pytest(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "warning" not in result.stdout.lower()


def test_the_app_is_found_from_a_subfolder(project: Path) -> None:
    result = run_pytest(project / "tests", "test_app.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_an_autouse_fixture_configures_the_app_before_it_is_created(project: Path) -> None:
    (project / "tests" / "conftest.py").write_text(
        "import pytest\n\n\n"
        "@pytest.fixture(autouse=True)\n"
        "def origin(monkeypatch):\n"
        "    monkeypatch.setenv('ORIGIN', 'https://kite.example')\n"
    )
    (project / "tests" / "test_origin.py").write_text(
        "def test_origin(client, app):\n"
        "    assert app.settings.origin == 'https://kite.example'\n"
        "    assert client.origin == 'https://kite.example'\n"
        "    assert client.action('/login', 'login', {'name': 'Ada'}).status_code == 200\n"
    )
    result = run_pytest(project, "tests/test_origin.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_app_fixture_can_be_overridden(project: Path) -> None:
    (project / "tests" / "conftest.py").write_text(
        "import kite\nimport pytest\n\n\n"
        "@pytest.fixture\n"
        "def app(kite_app_dir):\n"
        "    return kite.create_app(kite_app_dir, body_size_limit=10)\n"
    )
    (project / "tests" / "test_limit.py").write_text(
        "def test_limit(client):\n"
        "    response = client.action('/guestbook', None, {'message': 'x' * 100})\n"
        "    assert response.status_code == 413\n"
    )
    result = run_pytest(project, "tests/test_limit.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_kite_app_option_names_an_app_elsewhere(project: Path, tmp_path: Path) -> None:
    (project / "kite.toml").unlink()
    repo = tmp_path / "repo"
    (repo / "tests").mkdir(parents=True)
    shutil.move(project, repo / "apps" / "site")
    (repo / "pytest.ini").write_text("[pytest]\nkite_app = apps/site\n")
    (repo / "tests" / "test_app.py").write_text(TEST_FILE)
    result = run_pytest(repo, "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_no_app_found_is_an_error_that_says_where_it_looked(tmp_path: Path) -> None:
    (tmp_path / "test_lost.py").write_text("def test_lost(client):\n    pass\n")
    result = run_pytest(tmp_path, "test_lost.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout
    assert "found no Kite app" in result.stdout
    assert str(tmp_path) in result.stdout


def test_a_project_without_kite_fixtures_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    result = run_pytest(tmp_path, "test_plain.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_app_is_found_from_the_test_file_wherever_pytest_runs(
    project: Path, tmp_path: Path
) -> None:
    # From outside the app, with no configuration: only the test file's folder leads to it.
    result = run_pytest(
        tmp_path, str(project / "tests" / "test_app.py"), "--rootdir", str(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
