"""create_app() inside another ASGI app: Kite routes below the mount point."""

import sys

from support import APPS
from support.servers import free_port, running_server


def test_mounted_under_a_prefix(tmp_path: object) -> None:
    from pathlib import Path

    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "asgi:app",
        "--app-dir",
        str(APPS / "mounted"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = Path(str(tmp_path)) / "server.log"
    with running_server(command, port=port, log_path=log) as server:
        assert server.client.get("/").text == "starlette home"
        page = server.client.get("/kite/blog/hello")
        assert page.status_code == 200
        assert '<h1 id="slug">hello</h1>' in page.text
        assert server.client.get("/kite/logo.txt").text == "logo\n"
        redirect = server.client.get("/kite/about/")
        assert redirect.status_code == 308
        assert redirect.headers["location"] == "/kite/about"
