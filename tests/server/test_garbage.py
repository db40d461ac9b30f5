"""What a request makes is freed by reference counting, not left in cycles for the garbage
collector: a generation-1 or -2 collection that finds a request's objects pauses every
request in flight (docs/architecture.md, "Calm tails"). tests/apps/garbage's /collect runs
the collector in the server and says how many unreachable objects it found."""

from __future__ import annotations

import pytest
from support import APPS
from support.servers import ServeApp, Server

ENHANCED = {"accept": "application/json", "x-sveltekit-action": "true"}


def _unreachable(server: Server) -> int:
    found: int = server.client.get("/collect").json()["unreachable"]
    return found


def _requests(server: Server) -> list[int]:
    native = {"origin": server.url, "accept": "text/html"}
    enhanced = {"origin": server.url, **ENHANCED}
    client = server.client
    api = {"origin": server.url, "accept": "application/json"}
    return [
        client.get("/todos").status_code,
        client.post("/todos?/add", data={"text": "x"}, headers=native).status_code,
        client.post("/todos?/add", data={"text": ""}, headers=enhanced).status_code,
        client.post("/todos?/add", data={"text": "x"}, headers=enhanced).status_code,
        # Answers raised as exceptions: redirects, error(...), a client's mistake.
        client.post("/todos?/leave", data={"x": "1"}, headers=native).status_code,
        client.post("/todos?/broken", data={"x": "1"}, headers=enhanced).status_code,
        client.get("/todos?then=redirect").status_code,
        client.get("/todos?then=error").status_code,
        client.post("/todos?/nope", data={"x": "1"}, headers=native).status_code,
        client.get("/nowhere").status_code,
        client.get("/api", headers=api).status_code,
        client.post("/api", headers=api).status_code,
        client.delete("/api", headers=api).status_code,
    ]


ANSWERS = [200, 200, 400, 200, 303, 418, 307, 410, 404, 404, 200, 422, 303]


@pytest.mark.parametrize("handle", ["none", "plain", "async"])
def test_requests_leave_nothing_for_the_collector(served_app: ServeApp, handle: str) -> None:
    server = served_app(APPS / "garbage", env={"GARBAGE_HANDLE": handle})
    assert _requests(server) == ANSWERS  # warm: caches filled
    _unreachable(server)
    for _ in range(20):
        _requests(server)
    assert _unreachable(server) == 0
