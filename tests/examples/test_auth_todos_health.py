"""The demo's `health` hook: Kite's health check answers 503 while the database cannot be
reached, 200 when it can (docs/deployment.md, "Health checks")."""

from __future__ import annotations

from pathlib import Path

from auth_todos_helpers import APP, sqlite_env
from support.servers import ServeApp, free_port


def test_health_follows_the_database(serve_app: ServeApp, tmp_path: Path) -> None:
    healthy = serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))
    assert healthy.client.get("/_kite/health").status_code == 200

    # A PostgreSQL URL on a port where nothing listens: the connection is refused.
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/todos"
    unreachable = serve_app(APP, env={"DATABASE_URL": nowhere})
    response = unreachable.client.get("/_kite/health")
    assert (response.status_code, response.text) == (503, "unhealthy\n")
    assert "health hook failed" in unreachable.log()
