"""`kite start` logs each request only when asked to (--access-log); errors always."""

import time

import pytest
from support import APPS
from support.servers import ServeApp, Server


def _log_after_a_request(server: Server) -> str:
    assert server.client.get("/about").status_code == 200
    # uvicorn writes its access line once the response is sent: give it a moment.
    deadline = time.monotonic() + 5
    while '"GET /about HTTP/1.1" 200' not in server.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    return server.log()


@pytest.mark.parametrize(
    ("extra_args", "logged"),
    [((), False), (("--access-log",), True), (("--no-access-log",), False)],
)
def test_access_log_is_off_unless_asked_for(
    serve_app: ServeApp, extra_args: tuple[str, ...], logged: bool
) -> None:
    server = serve_app(APPS / "basics", extra_args=extra_args)
    log = _log_after_a_request(server)
    assert ('"GET /about HTTP/1.1" 200' in log) is logged
    # The server still says that it started: the log level stays at info.
    assert "Application startup complete" in log
