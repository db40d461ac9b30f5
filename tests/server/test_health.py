"""The health check (docs/deployment.md, "Health checks"): 200 while serving, 503 when the
app's `health` hook fails and while the instance drains after SIGTERM; no `handle` hook,
no cookies."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.config import load_settings
from kite.exceptions import KiteError

APP = APPS / "health"


def fresh_get(server: Server, path: str) -> httpx.Response:
    # A connection of its own each time: a stopping server closes idle ones.
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as client:
        return client.get(path)


def test_healthy_then_failing_hook(serve_app: ServeApp, tmp_path: Path) -> None:
    flag = tmp_path / "fail"
    server = serve_app(APP, env={"HEALTH_FAIL_FILE": str(flag)})
    response = server.client.get("/_kite/health")
    assert (response.status_code, response.text) == (200, "ok\n")
    assert response.headers["cache-control"] == "no-store"
    assert "x-handled" not in response.headers and "set-cookie" not in response.headers
    assert server.client.get("/").headers["x-handled"] == "yes"  # the hook is there
    head = server.client.head("/_kite/health")
    assert (head.status_code, head.content) == (200, b"")

    flag.touch()
    response = server.client.get("/_kite/health")
    assert (response.status_code, response.text) == (503, "unhealthy\n")
    assert "the database is unreachable" in server.log()
    flag.unlink()
    assert server.client.get("/_kite/health").status_code == 200


def test_draining_after_sigterm(serve_app: ServeApp) -> None:
    server = serve_app(APP, workers=2, env={"KITE_DRAIN_SECONDS": "5"})
    assert fresh_get(server, "/_kite/health").status_code == 200
    server.process.send_signal(signal.SIGTERM)
    # Each worker drains once SIGTERM reaches it; ask until both have said so.
    draining = 0
    for _ in range(2000):
        response = fresh_get(server, "/_kite/health")
        if response.status_code == 503:
            assert response.text == "draining\n"
            draining += 1
            if draining == 4:
                break
    assert draining == 4, "the health check never reported draining"
    # Still serving meanwhile.
    assert fresh_get(server, "/").status_code == 200
    assert server.process.wait(30) == 0


def test_health_path_can_move_or_go(tmp_path: Path) -> None:
    (tmp_path / "kite.toml").write_text('[health]\npath = "/healthz"\ntimeout = 1.5')
    settings = load_settings(tmp_path, environ={})
    assert (settings.health_path, settings.health_timeout) == ("/healthz", 1.5)
    (tmp_path / "kite.toml").write_text("[health]\npath = false")
    assert load_settings(tmp_path, environ={}).health_path is None
    settings = load_settings(tmp_path, environ={"KITE_DRAIN_SECONDS": "7"})
    assert settings.health_drain_seconds == 7


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('path = "healthz"', "'health.path' must be a path"),
        ("path = true", "'health.path' must be a path"),
        ("timeout = -1", "'health.timeout' must be a number of seconds"),
        ('drain_seconds = "soon"', "'health.drain_seconds' must be a number of seconds"),
    ],
)
def test_bad_health_settings_name_the_file(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "kite.toml").write_text(f"[health]\n{toml}")
    with pytest.raises(KiteError, match="kite.toml: " + message):
        load_settings(tmp_path, environ={})
