"""Work ahead (kite.server.ahead): once a request is in a worker thread, its plain work goes
on there. tests/apps/ahead has a plain `handle` that marks a context variable before and
after `resolve(event)` and says in a header whether the action ran inside `resolve`; its
loads show the mark they were queued under. Served with AHEAD_HANDLE=off, it has no hook."""

from __future__ import annotations

import re

import pytest
from support import APPS
from support.servers import ServeApp, Server

ENHANCED = {"accept": "application/json", "x-sveltekit-action": "true"}


@pytest.fixture
def ahead(served_app: ServeApp) -> Server:
    return served_app(APPS / "ahead")


def _shown(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p id="([a-z-]+)">([^<]*)</p>', html))


def _native(server: Server) -> dict[str, str]:
    return {"origin": server.url, "accept": "text/html"}


def test_a_plain_handle_queues_the_page_loads_from_its_own_thread(ahead: Server) -> None:
    response = ahead.client.get("/form")
    assert response.status_code == 200
    # Queued by the loop after `handle` returned, they would see "after resolve".
    shown = _shown(response.text)
    assert shown["layout-phase"] == "before resolve"
    assert shown["page-phase"] == "before resolve"


def test_a_plain_handle_runs_the_action_of_a_small_form_in_resolve(ahead: Server) -> None:
    response = ahead.client.post("/form", data={"name": "kite"}, headers=_native(ahead))
    assert response.status_code == 200
    assert response.headers["x-acted-in-resolve"] == "yes"
    # The page's loads were queued after the action, from its thread.
    shown = _shown(response.text)
    assert shown["page-phase"] == "set by the action"
    assert shown["layout-phase"] == "set by the action"
    assert "kite" in shown["form"]


def test_a_failure_shows_the_page_with_loads_queued_after_the_action(ahead: Server) -> None:
    response = ahead.client.post("/form", data={"name": ""}, headers=_native(ahead))
    assert response.status_code == 400
    assert response.headers["x-acted-in-resolve"] == "yes"
    shown = _shown(response.text)
    assert shown["page-phase"] == "set by the action"
    assert "missing" in shown["form"]


def test_an_enhanced_submission_runs_its_action_in_resolve(ahead: Server) -> None:
    headers = {"origin": ahead.url, **ENHANCED}
    response = ahead.client.post("/form", data={"name": "kite"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["type"] == "success"
    assert response.headers["x-acted-in-resolve"] == "yes"


def test_a_large_form_is_read_after_handle_as_always(ahead: Server) -> None:
    # Over READ_AHEAD_BYTES (64 KiB), under the app's body limit (512 KiB).
    data = {"name": "x" * 70_000}
    response = ahead.client.post("/form", data=data, headers=_native(ahead))
    assert response.status_code == 200
    assert response.headers["x-acted-in-resolve"] == "no"
    assert _shown(response.text)["page-phase"] == "set by the action"


def test_a_body_over_the_actions_limit_read_ahead_is_still_a_413(ahead: Server) -> None:
    response = ahead.client.post("/limited?/small", data={"name": "x" * 40}, headers=_native(ahead))
    assert response.status_code == 413
    assert response.headers["x-acted-in-resolve"] == "no"
    small = ahead.client.post("/limited?/small", data={"n": "x"}, headers=_native(ahead))
    assert small.status_code == 200
    assert small.headers["x-acted-in-resolve"] == "yes"


def test_a_malformed_body_read_ahead_is_still_a_400(ahead: Server) -> None:
    headers = {**_native(ahead), "content-type": "multipart/form-data; boundary=missing"}
    response = ahead.client.post("/form", content=b"no parts here", headers=headers)
    assert response.status_code == 400
    assert response.headers["x-acted-in-resolve"] == "no"


def test_a_rate_limited_action_is_counted_on_the_loop(ahead: Server) -> None:
    first = ahead.client.post("/limited?/once", data={"n": "x"}, headers=_native(ahead))
    assert first.status_code == 200
    # The rate is counted on the loop, after `handle`: the action runs there too.
    assert first.headers["x-acted-in-resolve"] == "no"
    second = ahead.client.post("/limited?/once", data={"n": "x"}, headers=_native(ahead))
    assert second.status_code == 429


def test_an_unknown_action_is_still_a_404(ahead: Server) -> None:
    response = ahead.client.post("/limited?/nope", data={"n": "x"}, headers=_native(ahead))
    assert response.status_code == 404


def test_without_a_hook_a_native_action_queues_its_page_loads(served_app: ServeApp) -> None:
    server = served_app(APPS / "ahead", env={"AHEAD_HANDLE": "off"})
    response = server.client.post("/form", data={"name": "kite"}, headers=_native(server))
    assert response.status_code == 200
    assert "x-acted-in-resolve" not in response.headers
    shown = _shown(response.text)
    assert shown["page-phase"] == "set by the action"
    assert shown["layout-phase"] == "set by the action"


def test_a_sequence_of_plain_handles_is_one_plain_handle(served_app: ServeApp) -> None:
    server = served_app(APPS / "ahead", env={"AHEAD_HANDLE": "sequence"})
    page = server.client.get("/form")
    assert _shown(page.text)["page-phase"] == "before resolve"
    response = server.client.post("/form", data={"name": "kite"}, headers=_native(server))
    assert response.headers["x-acted-in-resolve"] == "yes"
    assert _shown(response.text)["page-phase"] == "set by the action"


def test_a_plain_handle_calls_a_plain_endpoint_handler_in_resolve(ahead: Server) -> None:
    response = ahead.client.get("/api")
    assert response.status_code == 200
    assert response.headers["x-acted-in-resolve"] == "yes"
    # Called by the loop after `handle` returned, it would see the mark set after resolve.
    assert response.json() == {"phase": "before resolve"}
    head = ahead.client.head("/api")
    assert head.status_code == 200
    assert head.headers["x-acted-in-resolve"] == "yes"


def test_an_async_endpoint_handler_runs_after_a_plain_handle(ahead: Server) -> None:
    response = ahead.client.put("/api", headers={"origin": ahead.url})
    assert response.status_code == 200
    assert response.headers["x-acted-in-resolve"] == "no"
    assert response.json() == {"phase": "after resolve"}


@pytest.mark.parametrize(
    ("method", "status", "says"),
    [
        ("POST", 418, "Short and stout"),
        ("PATCH", 500, "Internal Error"),
        ("DELETE", 303, ""),
    ],
)
def test_what_a_handler_called_ahead_raises_is_answered_as_always(
    ahead: Server, method: str, status: int, says: str
) -> None:
    headers = {"origin": ahead.url, "accept": "application/json"}
    response = ahead.client.request(method, "/api", headers=headers)
    assert response.status_code == status
    assert response.headers["x-acted-in-resolve"] == "yes"
    assert says in response.text
    if status == 303:
        assert response.headers["location"] == "/form"
