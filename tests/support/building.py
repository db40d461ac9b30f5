"""`kite build` of a fixture app, in a copy: a build writes into the app's folder, and the
fixture apps under tests/apps stay as they are in git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def copy_app(app: Path, destination: Path) -> Path:
    shutil.copytree(app, destination, ignore=shutil.ignore_patterns("__pycache__", "build"))
    return destination


def kite_build(
    app_dir: Path, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m kite build APP_DIR` to completion. Never raises on exit code."""
    return subprocess.run(
        [sys.executable, "-m", "kite", "build", str(app_dir)],
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def http_server_command(directory: Path, port: int) -> list[str]:
    """A plain static file server, `python -m http.server`, on 127.0.0.1."""
    bind = ["--bind", "127.0.0.1", "--directory", str(directory), str(port)]
    return [sys.executable, "-m", "http.server", *bind]
