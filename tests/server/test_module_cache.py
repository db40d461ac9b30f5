"""The route modules' compiled code kept in one file (server/module_cache.py, the
`module_cache` setting): a second start compiles none of the files Kite imports itself and
no `.pyc` file is written beside them; an edit compiles that file again, however small;
a cache of another Python, a damaged one or one that cannot be written is ignored and the
app starts as ever; errors and tracebacks name the real file and line.

Each start runs in a fresh interpreter with Python writing bytecode (as a deployment does;
the test runner may not), and notes what Python compiles through its `compile` audit event.
"""

import importlib.util
import json
import marshal
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.servers import ServeApp

from kite import create_app
from kite.config import load_settings
from kite.exceptions import KiteError
from kite.server import module_cache
from kite.server.module_cache import ModuleCache, open_module_cache

# Start the app in this fresh process and answer "/": prints what was compiled of the
# app's Python files (relative paths) and the page; with "boom", the traceback of the
# /boom page's load as well.
START = """
import json, sys, traceback
app_dir = sys.argv[1]
compiled = []

def note(event, args):
    if event == "compile" and isinstance(args[1], str) and args[1].endswith(".py"):
        if args[1].startswith(app_dir):
            compiled.append(args[1][len(app_dir) + 1 :])

sys.addaudithook(note)
from kite import create_app
from kite.testing import Client

app = create_app(app_dir)
with Client(app) as client:
    page = client.get("/").text
trace = ""
if sys.argv[2:] == ["boom"]:
    [route] = [route for route in app.manifest.routes if route.id == "/boom"]
    try:
        route.page_server.load(None)
    except ValueError:
        trace = traceback.format_exc()
print(json.dumps({"compiled": sorted(compiled), "page": page, "trace": trace}))
"""

HOME = "src/routes/+page.server.py"
OTHER = "src/routes/b/+page.server.py"
HOOKS = "src/hooks.server.py"
HELPER = "src/routes/helpers/game.py"
KITES = sorted([HOME, OTHER, HOOKS])  # the files Kite imports itself
CACHE = ".kite/cache/modules/modules.marshal"

FILES = {
    HOOKS: "def configure_templates(environment):\n    pass\n",
    HOME: (
        "from .helpers.game import NAME\n\n\n"
        "def load(event):\n    return {'word': 'alpha', 'name': NAME}\n"
    ),
    "src/routes/+page.html": "<p>{{ data.word }} {{ data.name }}</p>",
    HELPER: "NAME = 'chess'\n",
    OTHER: "def load(event):\n    return {}\n",
    "src/routes/b/+page.html": "<p>b</p>",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def age(app: Path) -> None:
    """Every file of the app last changed an hour ago."""
    then = time.time_ns() - 3600 * 10**9
    for path in app.rglob("*"):
        os.utime(path, ns=(then, then))


def start(
    app: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", START, str(app), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
    )


def started(app: Path, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = start(app, *extra, env=env)
    assert result.returncode == 0, result.stderr
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def pycache_beside_kites(app: Path) -> list[Path]:
    return [path for name in KITES if (path := (app / name).parent / "__pycache__").exists()]


def test_a_second_start_compiles_none_of_kites_files_and_no_pyc_is_written(
    tmp_path: Path,
) -> None:
    app = write(tmp_path / "app", FILES)
    first = started(app)
    assert first["compiled"] == sorted([*KITES, HELPER])
    assert "<p>alpha chess</p>" in str(first["page"])
    assert (app / CACHE).is_file()
    # No `__pycache__` beside the files Kite imports; the helper they import gets Python's
    # own (so bytecode was being written).
    assert pycache_beside_kites(app) == []
    assert list((app / "src/routes/helpers/__pycache__").glob("game.*.pyc"))
    second = started(app)
    assert second["compiled"] == []
    assert "<p>alpha chess</p>" in str(second["page"])
    assert pycache_beside_kites(app) == []


def edit(app: Path) -> None:
    """The page's module edited at once, to a source of the same size."""
    home = app / HOME
    home.write_text(home.read_text().replace("alpha", "gamma"))


def edit_within_the_tick(app: Path) -> None:
    """Edited as if the filesystem's clock had not moved since the file was written (a
    coarse clock): the same size and the same mtime_ns."""
    home = app / HOME
    stat = home.stat()
    edit(app)
    os.utime(home, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def foreign_python(app: Path) -> None:
    data = (app / CACHE).read_bytes()
    (app / CACHE).write_bytes(b"\x00\x00\r\n" + data[4:])


def truncated(app: Path) -> None:
    data = (app / CACHE).read_bytes()
    (app / CACHE).write_bytes(data[: len(data) // 2])


def garbage(app: Path) -> None:
    data = (app / CACHE).read_bytes()
    header = data[: data.index(b"\0kite-module-cache")]
    (app / CACHE).write_bytes(header + b"\0kite-module-cache-1\x000\x00\xff\xfe garbage")


@pytest.mark.parametrize(
    ("change", "aged", "compiled", "word"),
    [
        (lambda app: None, False, [], "alpha"),
        (lambda app: None, True, [], "alpha"),
        # Just written: the entry holds the source's hash, in case the clock did not move.
        (edit, False, [HOME], "gamma"),
        (edit_within_the_tick, False, [HOME], "gamma"),
        # Settled an hour before: size and mtime_ns alone tell the edit.
        (edit, True, [HOME], "gamma"),
        (foreign_python, False, KITES, "alpha"),
        (truncated, False, KITES, "alpha"),
        (garbage, False, KITES, "alpha"),
    ],
    ids=[
        "unchanged",
        "unchanged-settled",
        "edited",
        "edited-same-mtime",
        "edited-settled",
        "magic",
        "cut",
        "junk",
    ],
)
def test_hits_and_misses(
    tmp_path: Path, change: Callable[[Path], None], aged: bool, compiled: list[str], word: str
) -> None:
    app = write(tmp_path / "app", FILES)
    if aged:
        age(app)
    started(app)
    change(app)
    second = started(app)
    assert second["compiled"] == compiled
    assert f"<p>{word} chess</p>" in str(second["page"])
    # Whatever was wrong with the file, it was written again, whole and of this Python.
    assert (app / CACHE).read_bytes().startswith(importlib.util.MAGIC_NUMBER)
    assert started(app)["compiled"] == []


@pytest.mark.parametrize(
    "blocked",
    [
        "file",  # the folder cannot be made: a file is in the way
        "target",  # the folder exists, its file cannot be written: a folder is in the way
    ],
)
def test_a_cache_that_cannot_be_written_is_not_used(tmp_path: Path, blocked: str) -> None:
    app = write(tmp_path / "app", FILES)
    folder = app / ".kite/cache/modules"
    if blocked == "file":
        folder.parent.mkdir(parents=True)
        folder.write_text("not a folder")
    else:
        (folder / "modules.marshal").mkdir(parents=True)
    for _ in range(2):
        result = started(app)
        assert [name for name in result["compiled"] if name != HELPER] == KITES
        assert "<p>alpha chess</p>" in str(result["page"])
    assert folder.is_file() if blocked == "file" else (folder / "modules.marshal").is_dir()
    assert [path.name for path in folder.parent.rglob("*.tmp")] == []
    assert pycache_beside_kites(app) == []


def test_told_not_to_write_bytecode_it_reads_the_cache_and_writes_nothing(
    tmp_path: Path,
) -> None:
    app = write(tmp_path / "app", FILES)
    age(app)
    dont = {"PYTHONDONTWRITEBYTECODE": "1"}
    assert started(app, env=dont)["compiled"] == sorted([*KITES, HELPER])
    assert not (app / ".kite/cache/modules").exists()
    assert pycache_beside_kites(app) == []
    started(app)  # written by a start that may write
    written = (app / CACHE).stat().st_mtime_ns
    edit(app)
    assert started(app, env=dont)["compiled"] == [HOME]  # the others read from the file
    assert (app / CACHE).stat().st_mtime_ns == written


def test_the_cache_can_be_moved_or_switched_off(tmp_path: Path) -> None:
    app = write(tmp_path / "app", FILES)
    started(app, env={"KITE_MODULE_CACHE": "var/modules"})
    assert (app / "var/modules/modules.marshal").is_file()
    assert not (app / ".kite/cache/modules").exists()

    off = write(tmp_path / "off", {**FILES, "kite.toml": "module_cache = false\n"})
    started(off)
    assert not (off / ".kite/cache/modules").exists()
    # Switched off, the modules are Python's to cache, as any other.
    assert (off / "src/routes/__pycache__").is_dir()


def test_module_cache_setting(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}).module_cache == ".kite/cache/modules"
    assert load_settings(tmp_path, environ={"KITE_MODULE_CACHE": "off"}).module_cache is None
    assert load_settings(tmp_path, environ={"KITE_MODULE_CACHE": "/c"}).module_cache == "/c"
    on = load_settings(tmp_path, environ={"KITE_MODULE_CACHE": "True"}).module_cache
    assert on == ".kite/cache/modules"
    (tmp_path / "kite.toml").write_text('module_cache = ""\n')
    with pytest.raises(KiteError, match=r"'module_cache' \(or KITE_MODULE_CACHE\)"):
        load_settings(tmp_path, environ={})


def test_a_syntax_error_names_the_file_and_line_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    broken = {**FILES, OTHER: "x = 1\ndef load(event)\n    return {}\n"}
    app = write(tmp_path / "app", broken)
    for _ in range(2):  # a module that did not compile is never kept
        with pytest.raises(KiteError) as caught:
            create_app(app)
        message = str(caught.value)
        assert f"{app / OTHER} failed to import: SyntaxError" in message, message
        assert "(line 2)" in message, message
    assert pycache_beside_kites(app) == []


def test_a_failed_start_keeps_what_it_did_not_reach(tmp_path: Path) -> None:
    app = write(tmp_path / "app", FILES)
    started(app)
    hooks = (app / HOOKS).read_text()
    # The hooks are imported first: this start stops before any route module.
    (app / HOOKS).write_text("def configure_templates(environment):\n    raise ValueError()\n")
    result = start(app)
    assert result.returncode != 0
    assert "ValueError" in result.stderr and str(app / HOOKS) in result.stderr
    (app / HOOKS).write_text(hooks)
    assert started(app)["compiled"] == [HOOKS]


def test_a_traceback_from_a_cached_module_names_its_file_and_line(tmp_path: Path) -> None:
    boom = "src/routes/boom/+page.server.py"
    app = write(
        tmp_path / "app",
        {
            **FILES,
            boom: "def load(event):\n    # the line below raises\n    raise ValueError('boom')\n",
            "src/routes/boom/+page.html": "<p>boom</p>",
        },
    )
    started(app)
    cached = started(app, "boom")
    assert cached["compiled"] == []
    trace = str(cached["trace"])
    assert f'File "{app / boom}", line 3, in load' in trace, trace
    assert "raise ValueError('boom')" in trace, trace


def test_dev_sees_an_edited_route_module(tmp_path: Path, serve_app: ServeApp) -> None:
    app = write(tmp_path / "app", FILES)
    age(app)
    server = serve_app(app, dev=True, env={"PYTHONDONTWRITEBYTECODE": ""})
    assert "<p>alpha chess</p>" in server.client.get("/").text
    assert (app / CACHE).is_file() and pycache_beside_kites(app) == []
    edit(app)  # the same size; only its mtime tells
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if "<p>gamma chess</p>" in server.client.get("/").text:
                return
        except httpx.TransportError:  # restarting
            pass
        time.sleep(0.2)
    raise AssertionError(f"the edit was not picked up\n{server.log_tail()}")


def test_a_file_read_just_after_a_change_is_compared_by_hash_until_it_settles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    source = tmp_path / "fresh.py"
    source.write_text("X = 1\n")
    # Changed 1.5 s ago: within the two seconds a coarse clock could hide an edit in.
    recent = time.time_ns() - 1_500_000_000
    os.utime(source, ns=(recent, recent))

    def start() -> ModuleCache:
        cache = open_module_cache(tmp_path / "cache")
        spec = importlib.util.spec_from_file_location(
            "fresh", source, loader=cache.loader("fresh", str(source))
        )
        assert spec is not None and spec.loader is not None
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        cache.save()
        return cache

    def digest() -> object:
        data = (tmp_path / "cache/modules.marshal").read_bytes()
        entries = marshal.loads(data[len(module_cache._header()) :])
        return entries[str(source)][2]

    assert start().compiled == [str(source)]
    assert digest() is not None
    time.sleep(0.6)  # now settled: more than two seconds old
    assert start().compiled == []
    assert digest() is None  # rewritten without the hash: a stat will do from now on
