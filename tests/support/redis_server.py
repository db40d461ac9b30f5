"""A throwaway redis-server for the tests of the Redis rate-limit store: one per test
session, on a free port of 127.0.0.1, in a temporary folder, stopped afterwards
(scripts/install-redis installs Debian's redis-server). Registered as a plugin in
tests/conftest.py: use the `redis_url` fixture."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.servers import free_port

INSTALL_HINT = "run scripts/install-redis (Debian's redis-server package)"
STARTUP_TIMEOUT = 20.0


def _cannot(reason: str) -> None:
    # In CI a missing Redis is a broken set-up, not a reason to pass quietly.
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    pytest.importorskip("redis", reason="the redis package is missing: pip install -e '.[test]'")
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        _cannot(f"redis-server is missing: {INSTALL_HINT}")
        raise AssertionError("unreachable")
    base = Path(tempfile.mkdtemp(prefix="kite-redis-"))
    port = free_port()
    log = (base / "redis.log").open("wb")
    # No persistence, loopback only: the server lives as long as the test run.
    command = [binary, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(base)]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{(base / 'redis.log').read_text()}")
            try:
                with redis.Redis.from_url(url) as client:
                    client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)
