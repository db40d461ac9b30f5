"""docs/getting-started.md, run as written: every command, in an empty folder.

The folder gets a copy of this checkout named `kite` (what the page asks the reader to have),
then one bash runs the page's blocks in order, as a reader types them into one terminal: the
`sh` blocks' commands, and each `# file: PATH` block written to PATH (see tutorial_replay.py).
Nothing of this test run's environment leaks in: a fresh virtual environment, Kite installed
into it with pip from the copy, no PYTHONPATH. `kite dev` and `kite start` are servers: each
is started where the page starts it, must answer HTTP, and is stopped again (the PORT
environment variable, which Kite reads, keeps it off port 8000).

The page's own page, /hello, is also tried in Chromium with JavaScript on and off.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.runtime import mark_document, open_page, still_same_document
from support.servers import ServeApp, free_port
from tutorial_replay import ROOT, parse_block

from kite.scaffold import create_project

PAGE = ROOT / "docs" / "getting-started.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SERVER = re.compile(r"^kite (dev|start)\b")
# Installing Kite, creating the app and running its tests, on two busy cores.
TIMEOUT = 400

# Started in the background, probed until it answers, then stopped with its whole group
# (the reloader's child, the workers).
SERVE_BRIEFLY = r"""
serve_briefly() {
    setsid "$@" > "$KITE_SERVE_LOG" 2>&1 &
    local pid=$!
    local probe="import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/')"
    for _ in $(seq 150); do
        if python -c "$probe" 2>/dev/null; then
            echo "served: $*"
            kill -TERM -- "-$pid"
            wait "$pid" || true
            return 0
        fi
        sleep 0.2
    done
    kill -KILL -- "-$pid" || true
    cat "$KITE_SERVE_LOG"
    echo "never answered: $*"
    return 1
}
"""

# Never part of a checkout's copy: built or installed things, caches.
IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    "node_modules",
)


def script_from(text: str) -> str:
    """The page as one bash script: commands as they are, files as heredocs."""
    lines = ["set -euo pipefail", SERVE_BRIEFLY]
    for match in BLOCK.finditer(text):
        block = parse_block(match.group(1), match.group(2))
        if block.path is not None:
            assert "KITE_EOF" not in block.text
            lines.append(f"mkdir -p {shlex.quote(str(Path(block.path).parent))}")
            lines.append(f"cat > {shlex.quote(block.path)} <<'KITE_EOF'\n{block.text}KITE_EOF")
        elif block.language == "sh":
            for line in block.text.splitlines():
                lines.append(f"serve_briefly {line}" if SERVER.match(line) else line)
    return "\n".join(lines) + "\n"


def fresh_environment(folder: Path) -> dict[str, str]:
    hidden = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS", "DATABASE_PATH"}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in hidden and not name.lower().endswith("_proxy")
    }
    # The system's python3, not this test run's virtual environment.
    ours = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != ours)
    env["PORT"] = str(free_port())
    env["KITE_SERVE_LOG"] = str(folder / "serve.log")
    return env


def page_files(text: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for match in BLOCK.finditer(text):
        block = parse_block(match.group(1), match.group(2))
        if block.path is not None:
            files[block.path] = block.text
    return files


@pytest.fixture(scope="module")
def hello_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `kite new` app with the page's files in it, for the browser."""
    app = tmp_path_factory.mktemp("getting-started") / "myapp"
    create_project(app)
    for path, text in page_files(PAGE.read_text(encoding="utf-8")).items():
        (app / path).parent.mkdir(parents=True, exist_ok=True)
        (app / path).write_text(text, encoding="utf-8")
    return app


def test_the_hello_page_with_and_without_javascript(
    page: Page, page_js: bool, served_app: ServeApp, hello_app: Path
) -> None:
    server = served_app(hello_app, env={"DATABASE_PATH": str(hello_app.parent / "db.sqlite3")})
    if page_js:
        open_page(page, server.url + "/hello")
        mark_document(page)
    else:
        page.goto(server.url + "/hello")
    expect(page.get_by_role("heading", level=1)).to_have_text("Say hello")
    page.get_by_role("button", name="Say hello").click()
    expect(page.locator("#name-error")).to_have_text("Please tell us your name.")
    expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Say hello").click()
    expect(page.get_by_role("status")).to_have_text("Hello, Ada!")
    expect(page.locator("#name-error")).to_have_count(0)
    if page_js:
        # data-enhance: both answers came without a page load.
        assert still_same_document(page)


def test_the_script_is_what_the_page_says() -> None:
    script = script_from(PAGE.read_text(encoding="utf-8"))
    assert "pip install './kite[testing]'\n" in script
    assert "serve_briefly kite dev\n" in script
    assert "cat > tests/test_hello.py <<'KITE_EOF'\nfrom kite.testing import Client\n" in script
    assert script.rstrip().endswith("serve_briefly kite start --workers 2")


def test_every_command_runs_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    shutil.copytree(ROOT, folder / "kite", ignore=IGNORED, symlinks=True)
    script = script_from(PAGE.read_text(encoding="utf-8"))
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=folder,
        env=fresh_environment(folder),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # pip's notes on an index that this machine's configuration names but lacks are noise.
    shown = "\n".join(line for line in output.splitlines() if "is ignored: it is" not in line)
    assert process.returncode == 0, shown[-6000:]
    assert "served: kite dev" in output
    assert "served: kite start --workers 2" in output
    assert re.search(r"^/hello\s+page\s", output, re.MULTILINE), shown[-3000:]
    # The app's own tests and the page's: all passed, nothing else said (no warning).
    tests_said = output.split("test session starts", 1)[-1]
    assert re.search(r"=+ \d+ passed in [\d.]+s =+", tests_said), shown[-3000:]
    assert "test_hello.py ..." in tests_said
    assert "warning" not in tests_said.lower()
