"""Enhanced forms with Kite's runtime (`/_kite/forms.js`): SvelteKit's scenarios
(reference/scenarios.md T1–T29, K1–K14, N8–N14) with JavaScript on, plus the runtime's own
promises: one round trip, aria-busy, double submits, focus and what the user is doing.

Most tests need JavaScript and use `js_page`; T1/T2 run in both modes to show the difference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from support import APPS
from support.runtime import mark_document, open_page, record_requests, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


def search(page: Page) -> str:
    return str(page.evaluate("location.search"))


# --- T1, T2: invalidateAll in a custom callback (both modes) ---------------------------------


def test_t1_invalidate_all_false_does_not_refresh(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/invalidate-all?invalidate_all=false")
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
    before = page.inner_text("pre")
    with page.expect_response(re.compile(r"/actions/invalidate-all\?invalidate_all=false$")):
        page.click("button")
    if page_js:
        # The render request that update() makes is the last thing to finish.
        expect(page.locator("form.invalidate")).not_to_have_attribute("aria-busy", "true")
        expect(page.locator("pre")).to_have_text(before)
    else:
        expect(page.locator("pre")).not_to_have_text(before)


def test_t2_invalidate_all_true_refreshes(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/invalidate-all?invalidate_all=true")
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
    before = page.inner_text("pre")
    page.click("button")
    expect(page.locator("pre")).not_to_have_text(before)


def test_data_kite_ready_only_with_javascript(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/enhance")
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
    else:
        expect(page.locator("html[data-kite-ready]")).to_have_count(0)


# --- applyAction (T8–T11) ------------------------------------------------------------------


def test_t8_apply_action_updates_form_without_navigating(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/update-form")
    expect(js_page.locator("pre.form")).to_have_text("null")
    js_page.click(".increment-success")
    expect(js_page.locator("pre.form")).to_have_text('{"count":0}')
    expect(js_page.locator("p.status")).to_have_text("200")
    js_page.click(".increment-invalid")
    expect(js_page.locator("pre.form")).to_have_text('{"count":1}')
    expect(js_page.locator("p.status")).to_have_text("400")
    expect(js_page).to_have_url(app.url + "/actions/update-form")


def test_t9_form_stays_after_refresh_and_goes_on_navigation(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/update-form")
    mark_document(js_page)
    js_page.click(".increment-success")
    expect(js_page.locator("pre.form")).to_have_text('{"count":0}')
    with js_page.expect_response(re.compile("/actions/update-form$")) as refreshed:
        js_page.click(".refreshAll")
    assert refreshed.value.request.method == "POST"
    assert refreshed.value.request.headers["x-kite-render"] == "1"
    expect(js_page.locator("pre.form")).to_have_text('{"count":0}')
    js_page.click("a.to-enhance")
    expect(js_page.locator("pre.formdata1")).to_have_text("null")
    expect(js_page).to_have_url(app.url + "/actions/enhance")
    assert still_same_document(js_page)


def test_t10_apply_action_redirects(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/update-form")
    js_page.click(".redirect")
    expect(js_page).to_have_url(app.url + "/")
    expect(js_page.locator("footer")).to_have_text("Custom layout")
    expect(js_page.locator("h1")).to_have_text("Home")


def test_t11_apply_action_errors(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/update-form")
    js_page.click(".error")
    expect(js_page.locator("p#message")).to_have_text(
        'This is your custom error page saying: "Unexpected Form Error"'
    )
    expect(js_page.locator("h1")).to_have_text("400")
    expect(js_page).to_have_url(app.url + "/actions/update-form")
    assert js_page.evaluate("import('/_kite/state.js').then(m => m.page.error.message)") == (
        "Unexpected Form Error"
    )


# --- use:enhance on /actions/enhance (T12–T19, T22, K4) ------------------------------------


def test_t12_default_submission_is_one_round_trip(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.fill("input[name=username]", "foo")
    js_page.click("button.form1")
    expect(js_page.locator("pre.formdata1")).to_have_text('{"result":"foo"}')
    expect(js_page.locator("pre.formdata2")).to_have_text('{"result":"foo"}')
    expect(js_page.locator("input[name=username]")).to_have_value("")
    expect(js_page.locator("form[action='?/login']")).not_to_have_attribute("aria-busy", "true")
    assert [(r.method, r.url) for r in requests] == [("POST", app.url + "/actions/enhance?/login")]
    assert still_same_document(js_page)


def test_t13_abort_controller_drops_the_first_callback(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance-runtime")
    requests = record_requests(js_page)
    expect(js_page.locator("span.count")).to_have_text("0")
    js_page.click("button.form2")
    js_page.click("button.form2")
    expect(js_page.locator("span.count")).to_have_text("1")
    expect(js_page.locator("form.abortable")).not_to_have_attribute("aria-busy", "true")
    expect(js_page.locator("span.count")).to_have_text("1")
    # A form with its own submit function gets every submission.
    assert [r.url for r in requests].count(app.url + "/actions/enhance-runtime?/slow") == 2


def test_t14_button_formaction(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    js_page.fill("input[name=username]", "foo")
    js_page.click("button.form1-register")
    expect(js_page.locator("pre.formdata1")).to_have_text('{"result":"register: foo"}')


def test_t15_formmethod_dialog_closes_natively(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance-runtime")
    requests = record_requests(js_page)
    expect(js_page.locator("button.dialog-cancel")).to_be_visible()
    js_page.click("button.dialog-cancel")
    expect(js_page.locator("button.dialog-cancel")).to_be_hidden()
    assert [r for r in requests if r.method == "POST"] == []


def test_t16_submitter_name_and_value_are_sent(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    with js_page.expect_request(re.compile(r"\?/submitter$")):
        js_page.click("button.form1-submitter")
    expect(js_page.locator("pre.formdata1")).to_have_text('{"result":"submitter: foo"}')


def test_t17_formenctype_multipart(js_page: Page, app: Server, tmp_path: Path) -> None:
    file = tmp_path / "test-file.txt"
    file.write_text("this is test")
    open_page(js_page, app.url + "/actions/enhance")
    js_page.set_input_files("input.form-file-input", str(file))
    with js_page.expect_request(re.compile(r"\?/send_file$")) as sent:
        js_page.click("button.form-file-submit")
    assert sent.value.headers["content-type"].startswith("multipart/form-data; boundary=")
    expect(js_page.locator("pre.formdata1")).to_have_text('{"result":"file name:test-file.txt"}')
    expect(js_page.locator("pre.formdata2")).to_have_text('{"result":"file name:test-file.txt"}')


def test_t18_request_headers(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    token = js_page.evaluate("JSON.parse(document.getElementById('kite-page').textContent).token")
    js_page.fill("input[name=username]", "foo")
    with js_page.expect_request(re.compile(r"/actions/enhance\?/login$")) as sent:
        js_page.click("button.form1")
    headers = sent.value.headers
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["accept"] == "application/json"
    assert headers["x-sveltekit-action"] == "true"
    assert headers["x-kite"] == "1"
    assert token and headers["x-kite-token"] == token
    assert sent.value.post_data == "action=trap&reset=trap&username=foo"
    expect(js_page.locator("pre.formdata1")).to_have_text('{"result":"foo"}')
    expect(js_page.locator("pre.formdata2")).to_have_text('{"result":"foo"}')
    expect(js_page.locator("input[name=username]")).to_have_value("")


def test_t19_second_submit_sends_the_repopulated_value(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    js_page.fill("input[name=message]", "hello")
    js_page.click("button.form3")
    expect(js_page.locator("pre.formdata1")).to_have_text('{"message":"hello"}')
    expect(js_page.locator("input[name=message]")).to_have_value("hello")
    with js_page.expect_request(re.compile(r"\?/echo$")) as sent:
        js_page.click("button.form3")
    assert sent.value.post_data == "message=hello"
    expect(js_page.locator("pre.formdata1")).to_have_text('{"message":"hello"}')
    expect(js_page.locator("pre.formdata2")).to_have_text('{"message":"hello"}')


def test_t22_error_renders_the_error_page_in_place(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.click("button.form1-error")
    expect(js_page.locator("h1")).to_have_text("400")
    expect(js_page.locator("#message")).to_have_text(
        'This is your custom error page saying: "error"'
    )
    expect(js_page).to_have_url(app.url + "/actions/enhance")
    assert still_same_document(js_page)
    # One round trip: the action's response brought the error page (issue 17 item 1).
    assert [(r.method, r.url) for r in requests] == [("POST", app.url + "/actions/enhance?/error")]
    assert js_page.evaluate("import('/_kite/state.js').then(m => m.page.status)") == 400


def test_t23_error_renders_the_nearest_boundary(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/form-errors/adjacent-error-boundary")
    js_page.click("button")
    expect(js_page.locator("pre")).to_have_text("something went wrong")
    expect(js_page.locator("footer")).to_have_text("Custom layout")


def test_k4_page_state_has_correct_data(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/enhance")
    expect(js_page.locator("pre.data1")).to_have_text("prop: 0, state: 0")
    js_page.click("button.form4")
    expect(js_page.locator("pre.data1")).to_have_text("prop: 1, state: 1")
    js_page.click("button.form4")
    expect(js_page.locator("pre.data1")).to_have_text("prop: 2, state: 2")


# --- redirects (T20, T21) ------------------------------------------------------------------


@pytest.mark.parametrize("route", ["redirect", "redirect-in-handle"])
def test_t20_t21_redirect_results_are_followed(js_page: Page, app: Server, route: str) -> None:
    open_page(js_page, app.url + f"/actions/{route}")
    mark_document(js_page)
    with js_page.expect_response(re.compile(f"/actions/{route}$")) as info:
        js_page.click("button")
    assert json.loads(info.value.text()) == {
        "type": "redirect",
        "location": "/actions/enhance",
        "status": 303,
    }
    expect(js_page).to_have_url(app.url + "/actions/enhance")
    expect(js_page.locator("pre.formdata1")).to_have_text("null")
    assert still_same_document(js_page)


# --- cross-page actions (T26–T29, K5, K9–K14) ----------------------------------------------

SOURCE = "/actions/cross-page/source"
DESTINATION = "/actions/cross-page/destination"
SUCCESS_JSON = '{"source":"destination","username":"paolo"}'
FAILURE_JSON = '{"problem":"invalid","username":"paolo"}'


def test_t26_k5_cross_page_success_navigates_client_side(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    mark_document(js_page)
    js_page.click("button.submit-success")
    expect(js_page.locator("pre.destination-form")).to_have_text(SUCCESS_JSON)
    expect(js_page.locator("span.status")).to_have_text("200")
    expect(js_page).to_have_url(app.url + DESTINATION)
    assert search(js_page) == ""
    assert still_same_document(js_page)


def test_t27_cross_page_failure(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    js_page.click("button.submit-failure")
    expect(js_page.locator("pre.destination-form")).to_have_text(FAILURE_JSON)
    expect(js_page.locator("span.status")).to_have_text("400")
    expect(js_page).to_have_url(app.url + DESTINATION)
    assert search(js_page) == ""


def test_t28_cross_page_redirect(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    js_page.click("button.submit-redirect")
    expect(js_page.locator("h1.redirected")).to_have_text("redirected")
    expect(js_page).to_have_url(app.url + "/actions/cross-page/redirected")


def test_t29_cross_page_error_renders_the_destination_boundary(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    js_page.click("button.submit-error")
    expect(js_page.locator("h1.destination-error")).to_have_text(
        "destination error: cross-page action error"
    )
    expect(js_page).to_have_url(re.compile(re.escape(DESTINATION) + r"\?throw-in-load=$"))
    assert search(js_page) == "?throw-in-load="


def test_k9_cross_page_refresh_defaults_depend_on_the_result(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    before = js_page.inner_text("pre.layout-loaded-at")
    js_page.click("button.submit-failure")
    expect(js_page.locator("pre.destination-form")).to_have_text(FAILURE_JSON)
    expect(js_page.locator("pre.layout-loaded-at")).to_have_text(before)

    open_page(js_page, app.url + SOURCE)
    before = js_page.inner_text("pre.layout-loaded-at")
    js_page.click("button.submit-success")
    expect(js_page.locator("pre.destination-form")).to_have_text(SUCCESS_JSON)
    expect(js_page.locator("pre.layout-loaded-at")).not_to_have_text(before)


def test_k10_only_the_action_parameter_is_dropped(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    js_page.click("button.submit-extra-params")
    expect(js_page.locator("pre.destination-form")).to_have_text(SUCCESS_JSON)
    expect(js_page).to_have_url(re.compile(re.escape(DESTINATION) + r"\?"))
    assert js_page.evaluate("new URL(location.href).searchParams.get('redirectTo')") == (
        "/dashboard"
    )
    assert not js_page.evaluate(
        "[...new URL(location.href).searchParams.keys()].some(k => k.startsWith('/'))"
    )
    expect(js_page.locator("pre.load-search")).to_have_text("?redirectTo=%2Fdashboard")


def test_k11_cross_page_navigation_pushes_history(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    mark_document(js_page)
    js_page.click("button.submit-success")
    expect(js_page.locator("pre.destination-form")).to_have_text(SUCCESS_JSON)
    js_page.go_back()
    expect(js_page.locator("h1.source")).to_have_text("source")
    expect(js_page).to_have_url(app.url + SOURCE)
    js_page.go_forward()
    expect(js_page.locator("pre.destination-form")).to_have_text("null")
    expect(js_page).to_have_url(app.url + DESTINATION)
    assert still_same_document(js_page)


def test_k12_navigate_false_applies_the_result_here(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    js_page.click("button.submit-stay")
    expect(js_page.locator("pre.source-form")).to_have_text(FAILURE_JSON)
    expect(js_page).to_have_url(app.url + SOURCE)


def test_k13_navigate_false_still_follows_redirects(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SOURCE)
    js_page.click("button.submit-redirect-stay")
    expect(js_page.locator("h1.redirected")).to_have_text("redirected")
    expect(js_page).to_have_url(app.url + "/actions/cross-page/redirected")


def test_k14_refresh_all_false_still_navigates(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/cross-page/refreshall-false")
    js_page.click("button.submit-success")
    expect(js_page.locator("pre.destination-form")).to_have_text(SUCCESS_JSON)
    expect(js_page).to_have_url(app.url + DESTINATION)


# --- same-page actions (K6–K8) -------------------------------------------------------------

SAME_PAGE = "/actions/cross-page/same-page"


def test_k6_same_page_action_drops_omitted_query_params(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SAME_PAGE + "?page=2")
    js_page.click("button.submit-relative")
    expect(js_page.locator("pre.form-json")).to_have_text(
        '{"where":"/actions/cross-page/same-page"}'
    )
    expect(js_page).to_have_url(app.url + SAME_PAGE)
    assert search(js_page) == ""


def test_k7_identical_query_refreshes_in_place(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SAME_PAGE + "?a=1&b=2")
    before = js_page.inner_text("pre.loaded-at")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.click("button.submit-reordered")
    expect(js_page.locator("pre.form-json")).to_have_text(
        '{"where":"/actions/cross-page/same-page"}'
    )
    expect(js_page.locator("pre.loaded-at")).not_to_have_text(before)
    assert still_same_document(js_page)
    assert search(js_page) == "?a=1&b=2"
    assert len(requests) == 1


def test_k8_failures_do_not_refresh_unless_asked(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + SAME_PAGE)
    before = js_page.inner_text("pre.loaded-at")
    requests = record_requests(js_page)
    js_page.click("button.submit-failure")
    expect(js_page.locator("pre.form-json")).to_have_text('{"failed":true}')
    expect(js_page.locator("pre.loaded-at")).to_have_text(before)
    assert len(requests) == 1  # the failure carried the page, rendered from the data token
    js_page.click("button.submit-failure-refresh")
    expect(js_page.locator("pre.loaded-at")).not_to_have_text(before)
    expect(js_page.locator("pre.form-json")).to_have_text('{"failed":true}')


# --- K1, K2, K3 ----------------------------------------------------------------------------


def test_k1_autofocus_after_an_enhanced_submit(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/accessibility/autofocus/b")
    js_page.click("#submit")
    js_page.wait_for_function("document.activeElement.nodeName === 'INPUT'")
    assert js_page.evaluate("document.activeElement.className") == "autofocused"


def test_k2_endpoint_next_to_a_page(js_page: Page, app: Server) -> None:
    response = js_page.goto(app.url + "/routing/content-negotiation")
    assert response is not None and response.headers["vary"].lower() == "accept"
    js_page.wait_for_selector("html[data-kite-ready]", state="attached")
    expect(js_page.locator("p").first).to_have_text("Hi")
    for method in ["GET", "PUT", "PATCH", "POST", "DELETE"]:
        js_page.click(f"button[data-method={method}]")
        expect(js_page.locator("pre.fetched")).to_have_text(method)


def test_k3_enhance_uses_the_action_not_the_post_handler(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/routing/content-negotiation")
    with js_page.expect_response(re.compile("/routing/content-negotiation$")):
        js_page.click("button.submit")
    expect(js_page.get_by_test_id("form-result")).to_have_text("form.submitted: true")


# --- submit function: cancel, changes, busy, double submit (N8, N9, N13, N14) ----------------

RUNTIME = "/actions/enhance-runtime"


def test_n8_cancel_sends_nothing(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.click("button.cancel")
    expect(js_page.locator("form.cancelled")).not_to_have_attribute("aria-busy", "true")
    # Something that does go out afterwards, so that a stray request would have shown up.
    js_page.click("button.nothing")
    expect(js_page.locator("p.status")).to_have_text("204")
    assert [r.url for r in requests] == [app.url + RUNTIME + "?/nothing"]
    assert still_same_document(js_page)


def test_n9_submit_function_may_change_what_is_sent(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    with js_page.expect_request(re.compile(r"\?/echo&via=submit$")) as sent:
        js_page.click("button.mutate")
    assert sent.value.post_data == "message=changed&extra=added"
    expect(js_page.locator("pre.form-json")).to_have_text('{"message":"changed","extra":"added"}')


def test_n14_success_without_data_has_status_204(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    js_page.click("button.nothing")
    expect(js_page.locator("p.status")).to_have_text("204")
    state = js_page.evaluate("import('/_kite/state.js').then(m => [m.page.status, m.page.form])")
    assert state == [204, None]


def test_aria_busy_and_default_form_ignores_a_second_submit(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    requests = record_requests(js_page)
    held: list[Route] = []

    def keep(route: Route) -> None:
        held.append(route)

    js_page.route(re.compile(r"\?/slow$"), keep)
    form = js_page.locator("form.slow")
    js_page.click("button.slow")
    expect(form).to_have_attribute("aria-busy", "true")
    js_page.click("button.slow")  # the same again while the first is in flight: ignored
    while not held:
        js_page.wait_for_timeout(20)
    held.pop().continue_()
    js_page.unroute(re.compile(r"\?/slow$"), keep)
    expect(form).not_to_have_attribute("aria-busy", "true")
    assert [r.url for r in requests].count(app.url + RUNTIME + "?/slow") == 1
    js_page.click("button.slow")  # once it is done, a new one goes out
    expect(form).not_to_have_attribute("aria-busy", "true")
    assert [r.url for r in requests].count(app.url + RUNTIME + "?/slow") == 2


def test_n13_failure_keeps_focus_caret_and_value(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    note = js_page.locator("input.note")
    note.fill("a note")
    note.evaluate("input => input.setSelectionRange(2, 4)")
    note.press("Enter")  # submits the form with focus still in the field
    expect(js_page.locator("pre.form-json")).to_have_text('{"failed":true}')
    expect(js_page.locator("p.status")).to_have_text("400")
    assert js_page.evaluate("document.activeElement.className") == "note"
    assert note.evaluate("i => [i.value, i.selectionStart, i.selectionEnd]") == ["a note", 2, 4]


def test_success_in_place_keeps_focus_on_the_button(js_page: Page, app: Server) -> None:
    """Issue 17 item 4, a deliberate difference from SvelteKit (which moves focus to <body>):
    a keyboard user goes on from where they were."""
    open_page(js_page, app.url + RUNTIME)
    js_page.focus("button.nothing")
    js_page.keyboard.press("Space")
    expect(js_page.locator("p.status")).to_have_text("204")
    assert js_page.evaluate("document.activeElement.className") == "nothing"


def test_what_the_user_does_survives_a_refresh(js_page: Page, app: Server) -> None:
    """Focus, caret, selection, an open <details>, a closed <dialog> and the scroll position
    in the parts of the page that did not change."""
    open_page(js_page, app.url + RUNTIME)
    before = js_page.inner_text("pre.loaded-at")
    js_page.click("button.dialog-cancel")
    js_page.click("details.more summary")
    expect(js_page.locator("dialog")).not_to_have_attribute("open", "")
    field = js_page.locator("input.elsewhere")
    field.fill("hello world")
    field.evaluate("input => input.setSelectionRange(2, 5)")
    js_page.evaluate("scrollTo(0, 200)")
    scrolled = js_page.evaluate("scrollY")
    js_page.evaluate("document.querySelector('details.more').kiteMark = 'same'")
    js_page.evaluate("import('/_kite/navigation.js').then(m => m.refreshAll())")
    expect(js_page.locator("pre.loaded-at")).not_to_have_text(before)
    assert js_page.evaluate("document.activeElement.className") == "elsewhere"
    assert field.evaluate("i => [i.value, i.selectionStart, i.selectionEnd]") == [
        "hello world",
        2,
        5,
    ]
    expect(js_page.locator("details.more")).to_have_attribute("open", "")
    assert js_page.evaluate("document.querySelector('details.more').kiteMark") == "same"
    expect(js_page.locator("dialog")).not_to_have_attribute("open", "")
    assert js_page.evaluate("scrollY") == scrolled


def test_reset_on_success_only(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    js_page.fill("input.note", "kept")
    js_page.click("button.fail")
    expect(js_page.locator("pre.form-json")).to_have_text('{"failed":true}')
    expect(js_page.locator("input.note")).to_have_value("kept")
    js_page.fill("input.message", "sent")
    js_page.click("button.echo")  # `use:enhance` spelling
    expect(js_page.locator("pre.form-json")).to_have_text('{"message":"sent","extra":null}')
    expect(js_page.locator("input.message")).to_have_value("sent")  # reset, then re-rendered


def test_title_follows_the_page(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    expect(js_page).to_have_title("Enhance runtime")
    js_page.click("button.nothing")
    expect(js_page.locator("p.status")).to_have_text("204")
    expect(js_page).to_have_title("Enhance runtime")
    assert js_page.locator("title").count() == 1


def test_network_failure_gives_an_internal_error(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + RUNTIME)
    js_page.route(re.compile(r"\?/fail$"), lambda route: route.abort())
    js_page.click("button.fail")
    expect(js_page.locator("h1")).to_have_text("500")
    expect(js_page.locator("#message")).to_have_text(
        'This is your custom error page saying: "Internal Error"'
    )


def test_deserialize_reads_custom_types(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/transport")
    script = """async () => {
        const { deserialize, transport } = await import('/_kite/forms.js');
        const response = await fetch('/actions/transport', {
            method: 'POST', headers: {accept: 'application/json'}, body: new URLSearchParams()});
        const text = await response.text();
        const unknown = deserialize(text).data.foo;
        transport.Foo = { decode: ([message]) => ({ message, bar: () => message + '!' }) };
        const known = deserialize(text).data.foo.bar();
        delete transport.Foo;
        return [unknown, known];
    }"""
    assert js_page.evaluate(script) == [{"type": "Foo", "value": ["It works"]}, "It works!"]


def test_t3_file_input_without_multipart_enctype_is_a_dev_error(
    js_page: Page, serve_app: ServeApp
) -> None:
    dev = serve_app(APPS / "actions", dev=True)
    open_page(js_page, dev.url + "/actions/file-without-enctype")
    with js_page.expect_event("pageerror") as info:
        js_page.click("button")
    assert 'missing the necessary `enctype="multipart/form-data"` attribute' in str(info.value)
