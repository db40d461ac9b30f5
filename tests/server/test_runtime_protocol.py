"""The server side of the runtime's exchange (docs/runtime-design.md): assets, page state,
data tokens, documents in action results, render requests."""

import json
import re
from typing import Any

import pytest
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


def page_state(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="kite-page">(.*?)</script>', html)
    assert found, "the page has no #kite-page state"
    state: dict[str, Any] = json.loads(found.group(1))
    return state


def loaded_at(html: str) -> str:
    found = re.search(r'<pre class="loaded-at">(.*?)</pre>', html)
    assert found
    return found.group(1)


def test_runtime_is_served_versioned_and_cacheable(app: Server) -> None:
    html = app.client.get("/actions/enhance").text
    found = re.search(r'<script type="module" src="(/_kite/([0-9a-f]+)/start\.js)">', html)
    assert found
    versioned = app.client.get(found.group(1))
    assert versioned.status_code == 200
    assert versioned.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "immutable" in versioned.headers["cache-control"]
    alias = app.client.get("/_kite/forms.js")
    assert alias.status_code == 200 and alias.headers["cache-control"] == "no-cache"
    assert app.client.get("/_kite/nope.js").status_code == 404
    assert app.client.get("/_kite/0000/start.js").status_code == 404


def test_page_state_describes_the_render(app: Server) -> None:
    html = app.client.post(
        "/actions/cross-page/destination?/failure",
        data={"username": "ann"},
        headers={"origin": app.url, "accept": "text/html"},
    ).text
    state = page_state(html)
    assert state["url"] == "/actions/cross-page/destination?/failure"
    assert state["route"] == "/actions/cross-page/destination"
    assert state["status"] == 400
    assert state["form"] == '[{"problem":1,"username":2},"invalid","ann"]'
    assert state["error"] is None
    assert state["version"]


def test_state_cannot_break_out_of_its_script(app: Server) -> None:
    html = app.client.post(
        "/actions/cross-page/destination?/failure",
        data={"username": "</script><script>alert(1)</script>"},
        headers={"origin": app.url, "accept": "text/html"},
    ).text
    assert "</script><script>alert(1)" not in html
    assert "<" not in re.search(r'id="kite-page">(.*?)</script>', html).group(1)  # type: ignore[union-attr]


def test_token_only_on_pages_with_enhanced_forms(app: Server) -> None:
    assert page_state(app.client.get("/actions/cross-page/same-page").text)["token"]
    assert page_state(app.client.get("/actions/cross-page/redirected").text)["token"] is None


def enhanced(app: Server, path: str, token: str = "1", **data: str) -> dict[str, Any]:
    response = app.client.post(
        path,
        data=data or {"x": "1"},
        headers={
            "origin": app.url,
            "accept": "application/json",
            "x-sveltekit-action": "true",
            "x-kite-token": token,
        },
    )
    body: dict[str, Any] = response.json()
    return body


def test_success_carries_the_refreshed_page(app: Server) -> None:
    before = app.client.get("/actions/cross-page/same-page").text
    token = page_state(before)["token"]
    result = enhanced(app, "/actions/cross-page/same-page?/del", token)
    assert result["type"] == "success"
    assert result["data"] == '[{"where":1},"/actions/cross-page/same-page"]'
    document = result["kite"]["document"]
    assert '<pre class="form-json">{"where":"/actions/cross-page/same-page"}</pre>' in document
    assert loaded_at(document) != loaded_at(before)  # loads ran again


def test_failure_carries_the_page_rendered_with_the_sealed_data(app: Server) -> None:
    before = app.client.get("/actions/cross-page/same-page").text
    token = page_state(before)["token"]
    result = enhanced(app, "/actions/cross-page/same-page?/fail", token)
    assert result["type"] == "failure"
    document = result["kite"]["document"]
    assert '<pre class="form-json">{"failed":true}</pre>' in document
    assert loaded_at(document) == loaded_at(before)  # loads did not run
    assert page_state(document)["status"] == 400


def test_failure_without_a_usable_token_runs_the_loads(app: Server) -> None:
    before = app.client.get("/actions/cross-page/same-page").text
    for token in ("1", "garbage", page_state(app.client.get("/actions/enhance").text)["token"]):
        result = enhanced(app, "/actions/cross-page/same-page?/fail", token)
        assert loaded_at(result["kite"]["document"]) != loaded_at(before)


def test_error_carries_the_nearest_error_page(app: Server) -> None:
    """Issue 17 item 1: an error result is one round trip too."""
    result = enhanced(app, "/actions/enhance?/error")
    assert result["type"] == "error"
    assert result["error"]["message"] == "error"
    document = result["kite"]["document"]
    assert "This is your custom error page saying" in document
    state = page_state(document)
    assert state["status"] == 400
    assert state["error"]["message"] == "error"
    assert state["url"] == "/actions/enhance"  # the page's URL, not the action's


def test_no_document_without_the_header_or_for_redirects(app: Server) -> None:
    plain = app.client.post(
        "/actions/cross-page/same-page?/fail", data={"x": "1"}, headers={"origin": app.url}
    ).json()
    assert "kite" not in plain
    assert "kite" not in enhanced(app, "/actions/redirect")
    error = app.client.post(
        "/actions/enhance?/error",
        data={"x": "1"},
        headers={"origin": app.url, "accept": "application/json"},
    ).json()
    assert error["type"] == "error" and "kite" not in error


def render(app: Server, path: str, payload: object) -> Any:
    return app.client.post(
        path,
        content=json.dumps(payload).encode(),
        headers={
            "content-type": "application/json",
            "accept": "text/html",
            "x-kite-render": "1",
            "origin": "https://elsewhere.example",  # JSON: not a CSRF-checked form post
        },
    )


def test_render_request_with_form_and_status(app: Server) -> None:
    response = render(
        app,
        "/actions/cross-page/destination",
        {"form": '[{"problem":1},"invalid"]', "status": 400, "refresh": True},
    )
    assert response.status_code == 400
    assert '<pre class="destination-form">{"problem":"invalid"}</pre>' in response.text
    assert '<span class="status">400</span>' in response.text


def test_render_request_reuses_sealed_data_unless_refreshing(app: Server) -> None:
    before = app.client.get("/actions/cross-page/same-page").text
    token = page_state(before)["token"]
    kept = render(app, "/actions/cross-page/same-page", {"token": token, "refresh": False})
    assert loaded_at(kept.text) == loaded_at(before)
    refreshed = render(app, "/actions/cross-page/same-page", {"token": token, "refresh": True})
    assert loaded_at(refreshed.text) != loaded_at(before)


def test_render_request_for_an_error_skips_the_page_load(app: Server) -> None:
    response = render(
        app,
        "/actions/cross-page/destination?throw-in-load=",
        {"error": {"message": "cross-page action error", "status": 500}, "status": 500},
    )
    assert response.status_code == 500
    assert "destination error: cross-page action error" in response.text


@pytest.mark.parametrize(
    "payload",
    ["not json", "[1]", '{"status": 99}', '{"form": 5}', '{"form": "nope"}', '{"error": 3}'],
)
def test_bad_render_requests_get_400(app: Server, payload: str) -> None:
    response = app.client.post(
        "/actions/cross-page/same-page",
        content=payload.encode(),
        headers={"content-type": "application/json", "x-kite-render": "1"},
    )
    assert response.status_code == 400


def test_a_render_request_runs_no_action(app: Server) -> None:
    app.client.cookies.set("enhance-counter", "1")
    response = render(app, "/actions/enhance?/counter", {})
    assert response.status_code == 200
    assert (
        "set-cookie" not in response.headers
        or "enhance-counter" not in response.headers["set-cookie"]
    )


def test_render_with_page_status_204_goes_out_as_200(app: Server) -> None:
    response = render(app, "/actions/cross-page/same-page", {"status": 204})
    assert response.status_code == 200
    assert page_state(response.text)["status"] == 204
    result = enhanced(app, "/actions/misuse?/nothing")
    assert result["status"] == 204 and "document" in result["kite"]


def test_a_token_from_another_page_reuses_only_the_shared_layouts(app: Server) -> None:
    source = app.client.get("/actions/cross-page/source").text
    token = page_state(source)["token"]
    layout_before = re.search(r'<pre class="layout-loaded-at">(.*?)</pre>', source).group(1)  # type: ignore[union-attr]
    response = render(
        app,
        "/actions/cross-page/destination",
        {"form": '[{"problem":1},"invalid"]', "status": 400, "token": token, "refresh": False},
    )
    assert response.status_code == 400
    assert f'<pre class="layout-loaded-at">{layout_before}</pre>' in response.text  # reused
    assert '<span class="loaded-at">' in response.text and "destination" in response.text


def test_the_included_document_is_rendered_for_the_location(app: Server) -> None:
    before = app.client.get("/actions/cross-page/same-page?a=1&b=2").text
    result = enhanced(
        app, "/actions/cross-page/same-page?b=2&a=1&/del", page_state(before)["token"]
    )
    document = result["kite"]["document"]
    assert '<pre class="load-search">?b=2&amp;a=1</pre>' in document
    assert page_state(document)["url"] == "/actions/cross-page/same-page?b=2&a=1"


def test_page_state_says_whether_the_server_is_in_dev(app: Server) -> None:
    assert page_state(app.client.get("/actions/enhance").text)["dev"] is False


def test_import_map_sends_page_imports_to_the_versioned_runtime(app: Server) -> None:
    html = app.client.get("/actions/enhance").text
    found = re.search(r'<script type="importmap">(.*?)</script>', html)
    assert found
    version = re.search(r"/_kite/([0-9a-f]+)/start\.js", html).group(1)  # type: ignore[union-attr]
    imports = json.loads(found.group(1))["imports"]
    assert imports["/_kite/"] == f"/_kite/{version}/"
    assert html.index("importmap") < html.index("start.js")


def test_action_results_carry_the_app_version(app: Server) -> None:
    version = page_state(app.client.get("/actions/enhance").text)["version"]
    for path in ("/actions/enhance?/login", "/actions/redirect", "/actions/enhance?/nope"):
        response = app.client.post(path, data={"x": "1"}, headers={"origin": app.url})
        assert response.headers["x-sveltekit-version"] == version


def test_the_runtime_is_served_minified_in_production(app: Server) -> None:
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "src/kite/runtime/forms.js").read_text()
    served = app.client.get("/_kite/forms.js").text
    assert "// Public API" in source and "// Public API" not in served
    assert len(served) < len(source) * 0.8
    # forms.js is not in the up-front bundle: served as written, minified, its imports from
    # the bundle (src/kite/server/bundle.py); its public functions are still exported.
    assert "function enhance(" in served
    assert re.search(r"export\{[^}]*\benhance\b", served)
