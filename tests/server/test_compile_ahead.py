"""Templates compiled ahead in a forked child while the route modules are imported
(server/compile_ahead.py): each template compiles once, in one process or the other; the app
is the same; a broken template stops start-up with its message wherever it was compiled;
small apps and processes with threads never fork. Each start runs in a fresh interpreter,
with one thread, as `kite start` creates its app."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kite.server.compile_ahead import MAX_CHILD_SHARE, MIN_TEMPLATES, child_share

# configure_templates logs "<pid> <name>" for every template Jinja compiles.
HOOKS = """
import os
from pathlib import Path

LOG = Path(__file__).parent.parent / "compiled.txt"


def configure_templates(environment):
    original = environment.compile

    def compile(source, name=None, filename=None, raw=False, defer_init=False):
        with LOG.open("a") as log:
            log.write(f"{os.getpid()} {name}\\n")
        return original(source, name, filename, raw, defer_init)

    environment.compile = compile
"""

# Start the app in this fresh process and answer one page: prints the pid, then the page.
START = """
import os, sys, threading
from kite import create_app
from kite.testing import Client

if sys.argv[2] == "thread":
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
app = create_app(sys.argv[1])
if sys.argv[2] == "thread":
    stop.set()
print(os.getpid())
with Client(app) as client:
    print(client.get("/r7").text)
"""


def make_app(root: Path, routes: int) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src/hooks.server.py").write_text(HOOKS)
    (root / "src/routes").mkdir()
    (root / "src/lib").mkdir()
    (root / "src/lib/row.html").write_text("<em>shared</em>")
    for index in range(routes):
        folder = root / f"src/routes/r{index}"
        folder.mkdir()
        (folder / "+page.html").write_text(f"<p>page {index}</p>{{% include 'row.html' %}}")
        (folder / "+page.server.py").write_text("def load(event):\n    return {}\n")
    return root


def start(app: Path, mode: str = "") -> subprocess.CompletedProcess[str]:
    # Without PYTHONDONTWRITEBYTECODE games: the child's environment as the test runner's.
    return subprocess.run(
        [sys.executable, "-c", START, str(app), mode],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def compiles(app: Path) -> list[tuple[int, str]]:
    """(pid, template) for each compile since the last call."""
    log = app / "compiled.txt"
    lines = log.read_text().split("\n") if log.exists() else []
    log.unlink(missing_ok=True)
    return [(int(pid), name) for pid, name in (line.split(" ", 1) for line in lines if line)]


routes_many = MIN_TEMPLATES + 20


@pytest.mark.skipif(sys.platform != "linux", reason="compiled ahead on Linux only")
def test_a_first_start_compiles_half_in_a_child_and_each_template_once(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", routes_many)
    result = start(app)
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.split()[0])
    assert "<p>page 7</p><em>shared</em>" in result.stdout
    done = compiles(app)
    names = [name for _, name in done]
    # Every page once; the partial they all include, at most once per process.
    pages = [name for name in names if name != "row.html"]
    assert sorted(pages) == sorted(f"routes/r{i}/+page.html" for i in range(routes_many))
    assert 1 <= names.count("row.html") <= 2
    by = {process for process, _ in done}
    assert pid in by and len(by) == 2, by  # the parent and one child
    # The parent read the child's half from the cache: a second start compiles nothing.
    again = start(app)
    assert again.returncode == 0, again.stderr
    assert compiles(app) == []


@pytest.mark.skipif(sys.platform != "linux", reason="compiled ahead on Linux only")
@pytest.mark.parametrize("broken", [0, routes_many - 1])
def test_a_broken_template_stops_start_up_in_either_half(tmp_path: Path, broken: int) -> None:
    app = make_app(tmp_path / "app", routes_many)
    (app / f"src/routes/r{broken}/+page.html").write_text("<p>{% if %}</p>")
    result = start(app)
    assert result.returncode != 0
    assert f"r{broken}/+page.html" in result.stderr
    assert "template syntax error" in result.stderr


@pytest.mark.parametrize(("routes", "mode"), [(20, ""), (routes_many, "thread")])
def test_small_apps_and_threaded_processes_compile_in_process(
    tmp_path: Path, routes: int, mode: str
) -> None:
    app = make_app(tmp_path / "app", routes)
    result = start(app, mode)
    assert result.returncode == 0, result.stderr
    pid = int(result.stdout.split()[0])
    assert {process for process, _ in compiles(app)} == {pid}


@pytest.mark.parametrize(
    ("templates", "modules", "share"),
    [
        (5000, 0, 0.5),  # nothing to import: half each, as both only compile
        (5000, 5000, 0.65),  # a module per page: the child takes more while they import
        (1000, 5000, MAX_CHILD_SHARE),  # the parent always keeps some to compile
        (0, 10, 0.5),
    ],
)
def test_the_child_takes_the_share_that_has_both_finish_together(
    templates: int, modules: int, share: float
) -> None:
    assert child_share(templates, modules) == pytest.approx(share)
