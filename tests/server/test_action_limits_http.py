"""Per-page and per-action body limits, and per-action rate limits, over real HTTP
(tests/apps/limits: the app allows 1K, the /sizes page 4K, one action 16K, one any size)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

APP = APPS / "limits"
JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}


@pytest.fixture
def server(served_app: ServeApp) -> Server:
    return served_app(APP)


def _post(server: Server, action: str, size: int, headers: dict[str, str]) -> int:
    response = server.client.post(
        f"/sizes?/{action}", data={"field": "x" * size}, headers={"origin": server.url, **headers}
    )
    return response.status_code


@pytest.mark.parametrize(
    ("action", "size", "status"),
    [
        # The page's 4K, not the app's 1K.
        ("page_limit", 2000, 200),
        ("page_limit", 5000, 413),
        # The action's own 16K, over the page's 4K.
        ("own_limit", 10_000, 200),
        ("own_limit", 17_000, 413),
        # "Infinity": no limit at all.
        ("no_limit", 100_000, 200),
    ],
)
def test_page_and_action_body_limits(server: Server, action: str, size: int, status: int) -> None:
    assert _post(server, action, size, JSON) == status
    assert _post(server, action, size, HTML) == status


def test_the_app_limit_still_holds_elsewhere(server: Server) -> None:
    response = server.client.post(
        "/login?/attempt",
        data={"name": "x" * 2000},
        headers={"origin": server.url, **JSON},
    )
    assert response.status_code == 413
    assert response.json()["error"] == {"message": "Payload Too Large", "status": 413}


def _chunks(total: int) -> Iterator[bytes]:
    yield b"field="
    for _ in range(total // 1000):
        yield b"x" * 1000


@pytest.mark.parametrize(
    ("action", "size", "status"),
    [("own_limit", 12_000, 200), ("own_limit", 20_000, 413), ("page_limit", 5000, 413)],
)
def test_chunked_bodies_meet_the_same_limits(
    server: Server, action: str, size: int, status: int
) -> None:
    response = server.client.post(
        f"/sizes?/{action}",
        content=_chunks(size),
        headers={
            "origin": server.url,
            "content-type": "application/x-www-form-urlencoded",
            **JSON,
        },
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == status, response.text
    if status == 413:
        assert response.json()["error"]["status"] == 413


def _attempt(
    server: Server, name: str, headers: dict[str, str], action: str = "attempt"
) -> httpx.Response:
    return server.client.post(
        f"/login?/{action}", data={"name": name}, headers={"origin": server.url, **headers}
    )


def test_over_the_rate_an_enhanced_submission_gets_a_429_failure(server: Server) -> None:
    name = uuid.uuid4().hex
    for _ in range(3):
        response = _attempt(server, name, JSON)
        assert response.status_code == 400
        assert response.json()["type"] == "failure"
    refused = _attempt(server, name, JSON)
    assert refused.status_code == 429
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    body = refused.json()
    assert body["type"] == "failure"
    assert body["status"] == 429
    assert "Too many attempts" in body["data"]
    # Another key (another name) is counted apart.
    assert _attempt(server, uuid.uuid4().hex, JSON).status_code == 400


def test_over_the_rate_a_native_submission_gets_the_error_page(server: Server) -> None:
    name = uuid.uuid4().hex
    for _ in range(3):
        assert _attempt(server, name, HTML).status_code == 400
    refused = _attempt(server, name, HTML)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert '<h1 id="status">429</h1>' in refused.text
    assert "Too Many Requests" in refused.text


def test_an_async_key_function_and_an_hourly_rate(server: Server) -> None:
    name = uuid.uuid4().hex
    statuses = [_attempt(server, name, JSON, "attempt_async").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = _attempt(server, name, JSON, "attempt_async")
    assert 60 < int(refused.headers["retry-after"]) <= 3600


def test_a_key_function_must_return_a_string(server: Server) -> None:
    response = _attempt(server, "x", JSON, "bad_key")
    assert response.status_code == 500
    assert "returned int; it must return a string" in server.log()


def test_refusals_are_logged_once_per_key_and_run(serve_app: ServeApp) -> None:
    server = serve_app(APP)
    statuses = [_attempt(server, "", JSON, "by_address").status_code for _ in range(6)]
    assert statuses == [200, 200, 429, 429, 429, 429]
    log = server.log()
    assert log.count("rate limit: action 'by_address' of /login allows 2/minute") == 1
    assert "refused '127.0.0.1'" in log
