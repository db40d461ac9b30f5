"""Kite as its users get it: the sdist and the wheel built from this checkout, the wheel
installed (not editable) into a fresh venv, and there `kite new` makes an app whose own
tests pass, and `kite start` serves the demo's login flow. What the package needs at run
time (the runtime's JavaScript, the scaffold's templates, py.typed) must ship in it."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.servers import Server, free_port, running_server

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "auth-todos"
# Files a user's app cannot work without, as they lie in the wheel.
SHIPPED = [
    "kite/py.typed",
    "kite/runtime/start.js",
    "kite/runtime/submit.js",
    "kite/templates/new/kite.toml",
    "kite/templates/new/src/routes/login/+page.html",
    "kite/templates/new/tests/test_app.py-tpl",
]


def run(command: list[str | Path], cwd: Path, timeout: float = 600) -> str:
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # The venv under test, not the one running the tests, answers `python` and `kite`.
    environment.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Without --sdist/--wheel, build makes the sdist and then the wheel from it: a file
    # missing from the sdist is missing from the wheel too.
    run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=ROOT)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed as a user would, with the demo's extras."""
    root = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", root / "venv"], cwd=root)
    python = root / "venv" / "bin" / "python"
    [wheel] = dist.glob("kite_web-*.whl")
    run([python, "-m", "pip", "install", "--quiet", f"{wheel}[demo,testing]"], cwd=root)
    return root / "venv"


def test_the_distribution_is_kite_web_and_ships_what_apps_need(dist: Path) -> None:
    [wheel] = dist.glob("kite_web-*-py3-none-any.whl")
    [sdist] = dist.glob("kite_web-*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
        header = archive.read(metadata).decode()
    assert [path for path in SHIPPED if path not in names] == []
    assert "Name: kite-web\n" in header
    assert "License-Expression: MIT\n" in header
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "pyproject.toml", "src/kite/runtime/start.js"} <= members


def test_building_prints_no_packaging_warning(dist: Path, tmp_path: Path) -> None:
    output = run([sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path, ROOT], cwd=ROOT)
    assert "warning" not in output.lower(), output


def test_the_installed_wheel_is_not_this_checkout(venv: Path) -> None:
    where = run([venv / "bin" / "python", "-c", "import kite; print(kite.__file__)"], cwd=venv)
    assert str(venv) in where and str(ROOT / "src") not in where


def test_a_new_app_passes_its_own_tests(venv: Path, tmp_path: Path) -> None:
    run([venv / "bin" / "kite", "new", "x"], cwd=tmp_path)
    output = run([venv / "bin" / "python", "-m", "pytest", "-q", "-W", "error"], cwd=tmp_path / "x")
    assert " passed" in output and "warning" not in output.lower(), output


@pytest.fixture
def demo(venv: Path, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    command = [str(venv / "bin" / "kite"), "start", str(DEMO), "--port", str(port)]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    with running_server(command, port=port, log_path=tmp_path / "demo.log", env=env) as server:
        yield server


def post_and_follow(
    client: httpx.Client, url: str, data: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    """A native form post answered with post/redirect/get: the POST's 303 (checked to lead
    back to the same page) and the page its GET shows."""
    posted = client.post(url, data=data)
    assert posted.status_code == 303, posted.text[:500]
    location = posted.headers["location"]
    assert location.split("?")[0] == url.split("?")[0], location
    return posted, client.get(location)


def test_kite_start_serves_the_demos_login_flow(demo: Server) -> None:
    account = {"email": "ada@example.com", "password": "correct horse battery staple"}
    # As a browser without JavaScript posts forms: Origin, asking for HTML.
    headers = {"Origin": demo.url, "Accept": "text/html"}
    with httpx.Client(base_url=demo.url, headers=headers, trust_env=False) as client:
        assert client.get("/login").status_code == 200
        # The demo answers each post with a 303 back to /login (post/redirect/get), whose
        # GET shows the result, as a browser follows it.
        posted, registered = post_and_follow(client, "/login?/register", account)
        assert registered.status_code == 200 and "Welcome!" in registered.text
        client.cookies.clear()
        wrong_password = {**account, "password": "not it at all"}
        _, wrong = post_and_follow(client, "/login?/login", wrong_password)
        assert wrong.status_code == 400 and "Incorrect email or password." in wrong.text
        posted, right = post_and_follow(client, "/login?/login", account)
        assert "sessionid=" in " ".join(posted.headers.get_list("set-cookie"))
        assert right.status_code == 200 and "ada@example.com" in right.text
        todos = client.get("/todos")
        assert todos.status_code == 200 and "ada@example.com" in todos.text
