"""Form actions over real HTTP: routing a POST, the ActionResult JSON protocol (byte for byte),
the native HTML path, and every misuse the server explains (actions fixture app)."""

import json
from typing import Any

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

NATIVE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


def post(
    server: Server,
    path: str,
    data: dict[str, str] | None = None,
    *,
    accept: str | None = None,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    sent = {"origin": server.url, **(headers or {})}
    if accept is not None:
        sent["accept"] = accept
    if not data and "content" not in kwargs and "files" not in kwargs:
        # what a browser sends for a form without fields
        kwargs["content"] = b""
        sent.setdefault("content-type", "application/x-www-form-urlencoded")
    return server.client.post(path, data=data or None, headers=sent, **kwargs)


# --- the JSON protocol (enhanced submissions, fetch, curl) -------------------------------------


def test_success_with_data(app: Server) -> None:
    response = post(app, "/actions/enhance?/login", {"username": "foo"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == (
        b'{"type":"success","status":200,"location":"/actions/enhance",'
        b'"data":"[{\\"result\\":1},\\"foo\\"]"}'
    )


def test_success_without_data_is_204_in_the_body_and_200_on_the_wire(app: Server) -> None:
    response = post(app, "/actions/misuse?/nothing")
    assert response.status_code == 200
    assert response.content == b'{"type":"success","status":204,"location":"/actions/misuse"}'
    falsy = post(app, "/actions/misuse?/falsy")
    assert falsy.json() == {"type": "success", "status": 204, "location": "/actions/misuse"}


def test_empty_dict_is_data_as_in_javascript(app: Server) -> None:
    response = post(app, "/actions/misuse?/empty")
    assert response.json()["data"] == "[{}]"


def test_failure_keeps_its_status(app: Server) -> None:
    response = post(app, "/actions/cross-page/destination?/failure", {"username": "paolo"})
    assert response.status_code == 400
    assert response.content == (
        b'{"type":"failure","status":400,"location":"/actions/cross-page/destination",'
        b'"data":"[{\\"problem\\":1,\\"username\\":2},\\"invalid\\",\\"paolo\\"]"}'
    )


def test_fail_without_data_sends_undefined(app: Server) -> None:
    response = post(app, "/actions/misuse?/fail_no_data")
    assert response.status_code == 400
    assert response.json() == {
        "type": "failure",
        "status": 400,
        "location": "/actions/misuse",
        "data": "-1",
    }


def test_redirect(app: Server) -> None:
    response = post(app, "/actions/redirect")
    assert response.status_code == 200
    assert response.content == b'{"type":"redirect","status":303,"location":"/actions/enhance"}'


def test_redirect_in_handle_is_a_json_redirect_with_cookies(app: Server) -> None:
    response = post(app, "/actions/redirect-in-handle", accept="application/json")
    assert response.status_code == 200
    assert response.json() == {"type": "redirect", "status": 303, "location": "/actions/enhance"}
    assert response.headers["set-cookie"].startswith("name=Kite;")


def test_error(app: Server) -> None:
    response = post(app, "/actions/enhance?/error")
    assert response.status_code == 400
    assert response.content == (
        b'{"type":"error","location":"/actions/enhance","error":{"message":"error","status":400}}'
    )


def test_location_strips_only_the_action_key(app: Server) -> None:
    response = post(app, "/actions/cross-page/destination?redirectTo=%2Fdashboard&/success")
    assert response.json()["location"] == "/actions/cross-page/destination?redirectTo=%2Fdashboard"
    response = post(app, "/actions/cross-page/destination?throw-in-load&/error")
    assert response.status_code == 500
    assert response.json()["location"] == "/actions/cross-page/destination?throw-in-load="
    assert response.json()["error"] == {"message": "cross-page action error", "status": 500}


def test_loads_do_not_run_for_json_submissions(app: Server) -> None:
    # destination's load raises when the query has throw-in-load; the JSON path never runs it
    response = post(
        app, "/actions/cross-page/destination?throw-in-load&/success", {"username": "x"}
    )
    assert response.status_code == 200
    assert response.json()["type"] == "success"


def test_missing_accept_counts_as_any_and_gets_json(app: Server) -> None:
    request = app.client.build_request(
        "POST",
        "/actions/enhance?/login",
        data={"username": "z"},
        headers={"origin": app.url},
    )
    del request.headers["accept"]
    response = app.client.send(request)
    assert response.json()["type"] == "success"


def test_submitting_json_gets_415(app: Server) -> None:
    response = post(
        app,
        "/actions/form-errors",
        content=b'{"foo":"bar"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 415
    assert response.json() == {
        "type": "error",
        "location": "/actions/form-errors",
        "error": {
            "message": "Form actions expect form-encoded data — received application/json "
            "(415 Unsupported Media Type)",
            "status": 415,
        },
    }


def test_unknown_action_gets_404_before_the_content_type_check(app: Server) -> None:
    response = post(
        app,
        "/actions/enhance?/doesnt-exist",
        content=b"irrelevant",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "No action with name 'doesnt-exist' found (404 Not Found)",
        "status": 404,
    }


@pytest.mark.parametrize(
    "name", ["toString", "constructor", "__proto__", "hasOwnProperty", "__class__", "__init__"]
)
def test_prototype_and_dunder_names_are_unknown_actions(app: Server, name: str) -> None:
    response = post(
        app,
        f"/actions/enhance?/{name}",
        content=b"irrelevant",
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 404
    assert (
        response.json()["error"]["message"] == f"No action with name '{name}' found (404 Not Found)"
    )


def test_reserved_default_name_is_refused_and_runs_nothing(app: Server) -> None:
    response = post(app, "/actions/form-errors?/default")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        'Cannot use reserved action name "default" (400 Bad Request)'
    )


def test_page_without_actions_gets_405_allow_get(app: Server) -> None:
    response = post(app, "/actions/no-actions")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"]["message"] == (
        "POST method not allowed. No form actions exist for this page (405 Method Not Allowed)"
    )


def test_options_on_a_page_with_actions(app: Server) -> None:
    response = app.client.options("/actions/enhance")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("raise_fail", 'Cannot "raise fail()". Use "return fail()"'),
        ("return_redirect", "Cannot `return redirect(...)` — use `redirect(...)` instead"),
        ("return_error", "Cannot `return error(...)` — use `error(...)` or `return fail(...)`"),
        (
            "return_response",
            "Data returned from action inside /actions/misuse is not serializable. Form actions "
            "need to return plain objects or fail()",
        ),
        (
            "not_serializable",
            "Data returned from action inside /actions/misuse is not serializable: Cannot "
            "stringify arbitrary non-POJOs (data.user.created)",
        ),
        ("crash", "secret internal detail"),
    ],
)
def test_misuse_is_a_500_that_says_what_to_write(app: Server, action: str, message: str) -> None:
    response = post(app, f"/actions/misuse?/{action}")
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "error"
    assert body["error"]["status"] == 500
    # the fixture's handle_error copies the detail into the public message
    assert message in body["error"]["message"]


def test_text_plain_form_read_is_explained(app: Server) -> None:
    response = post(
        app, "/actions/misuse?/text_plain", content=b"a=b", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 500
    assert "text/plain" in response.json()["error"]["message"]
    raw = post(
        app, "/actions/misuse?/read_text", content=b"a=b", headers={"content-type": "text/plain"}
    )
    assert raw.json()["type"] == "success"


def test_invalid_alias_still_works(app: Server) -> None:
    response = post(app, "/actions/misuse?/old_invalid")
    assert response.status_code == 422
    assert response.json()["type"] == "failure"


def test_rich_data_travels_in_devalue_format(app: Server) -> None:
    data = post(app, "/actions/misuse?/rich").json()["data"]
    assert json.loads(data) == [
        {"when": 1, "tags": 2, "big": 4},
        ["Date", "2024-01-02T03:04:05.000Z"],
        ["Set", 3],
        "a",
        ["BigInt", "1152921504606846976"],
    ]


def test_transport_encodes_custom_types(app: Server) -> None:
    data = post(app, "/actions/transport").json()["data"]
    assert json.loads(data) == [{"foo": 1}, ["Foo", 2], [3], "It works"]


def test_x_sveltekit_action_header_reaches_the_page_beside_an_endpoint(
    served_app: ServeApp,
) -> None:
    basics = served_app(APPS / "basics")
    response = basics.client.post(
        "/negotiation",
        data={},
        headers={"origin": basics.url, "x-sveltekit-action": "true", "accept": "application/json"},
    )
    # the page has no actions: the page answered (405 ActionResult), not the endpoint
    assert response.status_code == 405
    assert response.json()["type"] == "error"


# --- the native path (no JavaScript) -------------------------------------------------------


def test_native_failure_renders_the_page_with_form_and_status(app: Server) -> None:
    response = post(app, "/actions/form-errors", accept=NATIVE)
    assert response.status_code == 400
    assert '<p class="server-prop">an error occurred</p>' in response.text
    assert "<footer>Custom layout</footer>" in response.text


def test_native_success_renders_200_and_runs_loads_after_the_action(app: Server) -> None:
    app.client.cookies.set("enhance-counter", "4")
    response = post(app, "/actions/enhance?/counter", accept=NATIVE)
    assert response.status_code == 200
    assert "prop: 5, state: 5" in response.text  # the load saw the action's cookie
    assert response.headers["set-cookie"].startswith("enhance-counter=5; Path=/actions/enhance")
    assert '<pre class="formdata1">{}</pre>' in response.text


def test_native_success_without_data_renders_form_none(app: Server) -> None:
    response = post(app, "/actions/misuse?/nothing", accept=NATIVE)
    assert response.status_code == 200
    assert '<pre id="form">null</pre>' in response.text


def test_native_fail_without_data_renders_form_none_with_status(app: Server) -> None:
    response = post(app, "/actions/misuse?/fail_no_data", accept=NATIVE)
    assert response.status_code == 400
    assert '<pre id="form">null</pre>' in response.text
    assert '<p id="status">400</p>' in response.text


def test_native_redirect_is_a_real_303_with_cookies(app: Server) -> None:
    response = post(app, "/actions/redirect", accept=NATIVE)
    assert response.status_code == 303
    assert response.headers["location"] == "/actions/enhance"
    assert response.content == b""
    assert "name=Kite" in response.headers["set-cookie"]


def test_native_redirect_from_handle(app: Server) -> None:
    response = post(app, "/actions/redirect-in-handle", accept=NATIVE)
    assert response.status_code == 303
    assert response.headers["location"] == "/actions/enhance"


def test_native_error_renders_the_adjacent_boundary_without_page_load(app: Server) -> None:
    response = post(app, "/actions/form-errors/adjacent-error-boundary", accept=NATIVE)
    assert response.status_code == 502
    assert "<pre>something went wrong</pre>" in response.text
    cross = post(app, "/actions/cross-page/destination?throw-in-load&/error", accept=NATIVE)
    assert cross.status_code == 500
    assert "destination error: cross-page action error" in cross.text


def test_native_no_actions_renders_405_page_with_allow(app: Server) -> None:
    response = post(app, "/actions/no-actions", accept=NATIVE)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert "<h1>405</h1>" in response.text


def test_native_unexpected_error_has_no_traceback(app: Server) -> None:
    response = post(app, "/actions/misuse?/crash", accept=NATIVE)
    assert response.status_code == 500
    assert "<h1>500</h1>" in response.text
    assert "Traceback" not in response.text


def test_native_transport_value_is_the_python_object(app: Server) -> None:
    response = post(app, "/actions/transport", accept=NATIVE)
    assert '<p id="bar">It works!</p>' in response.text


def test_native_multipart_and_urlencoded(app: Server) -> None:
    multipart = post(app, "/actions/success-data", accept=NATIVE, files={"username": (None, "foo")})
    assert '<pre>{"result":"foo"}</pre>' in multipart.text
    urlencoded = post(app, "/actions/success-data", {"username": "bar"}, accept=NATIVE)
    assert '<pre>{"result":"bar"}</pre>' in urlencoded.text


def test_file_upload_arrives_as_an_upload_object(app: Server) -> None:
    response = post(
        app,
        "/actions/enhance?/send_file",
        files={"file": ("test-file.txt", b"this is test", "text/plain")},
    )
    assert json.loads(response.json()["data"]) == [{"result": 1}, "file name:test-file.txt"]


def test_curl_gets_exactly_the_contract_json(app: Server) -> None:
    import shutil
    import subprocess

    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    result = subprocess.run(
        [
            curl,
            "-s",
            "-X",
            "POST",
            f"{app.url}/actions/cross-page/destination?/failure",
            "-H",
            f"Origin: {app.url}",
            "-d",
            "username=paolo",
        ],
        capture_output=True,
        check=True,
        timeout=10,
    )
    assert result.stdout == (
        b'{"type":"failure","status":400,"location":"/actions/cross-page/destination",'
        b'"data":"[{\\"problem\\":1,\\"username\\":2},\\"invalid\\",\\"paolo\\"]"}'
    )


def test_plain_def_action_reads_event_form_data(app: Server) -> None:
    response = post(app, "/actions/misuse?/sync_form", {"name": "kite"})
    assert json.loads(response.json()["data"]) == [{"name": 1}, "kite"]


def test_pycache_folders_are_not_routes(tmp_path: object, serve_app: ServeApp) -> None:
    import shutil
    from pathlib import Path

    app_dir = Path(str(tmp_path)) / "app"
    shutil.copytree(APPS / "actions", app_dir)
    cache = app_dir / "src/routes/__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "+layout.server.cpython-311.pyc").write_bytes(b"")
    server = serve_app(app_dir)
    assert server.client.get("/").status_code == 200
