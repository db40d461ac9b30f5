"""SvelteKit's form-action scenarios (reference/scenarios.md) in a real browser.

Each test runs with JavaScript on and off. Without JavaScript every form posts natively; the
assertions that only hold for native posts are guarded by `page_js`. With JavaScript the
enhanced behaviour (issue 5, the browser runtime) adds its own assertions.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


def test_t4_error_props_are_returned(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/form-errors")
    with page.expect_response(re.compile("/actions/form-errors$")) as info:
        page.click("button")
    assert info.value.status == 400
    expect(page.locator("p.server-prop")).to_have_text("an error occurred")


def test_t5_form_fields_are_persisted(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/form-errors-persist-fields")
    page.fill("#username", "foo")
    page.fill("#password", "bar")
    page.click("button")
    expect(page.locator("p.error")).to_have_text("invalid credentials")
    expect(page.locator("#username")).to_have_value("foo")
    if not page_js:
        expect(page.locator("#password")).to_have_value("")  # the server never echoes it


@pytest.mark.parametrize(("button", "value"), [("multipart", "foo"), ("urlencoded", "bar")])
def test_t6_t7_success_data_in_either_encoding(
    page: Page, app: Server, button: str, value: str
) -> None:
    page.goto(app.url + "/actions/success-data")
    expect(page.locator("pre")).to_have_text("null")
    page.fill("input[name=username]", value)
    page.click(f"button.{button}")
    expect(page.locator("pre")).to_have_text(f'{{"result":"{value}"}}')


def test_t12_t14_t16_named_actions_formaction_and_submitter(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/enhance")
    page.fill("input[name=username]", "foo")
    page.click("button.form1")
    expect(page.locator("pre.formdata1")).to_have_text('{"result":"foo"}')
    expect(page.locator("pre.formdata2")).to_have_text('{"result":"foo"}')
    expect(page.locator("input[name=username]")).to_have_value("")
    page.fill("input[name=username]", "foo")
    page.click("button.form1-register")
    expect(page.locator("pre.formdata1")).to_have_text('{"result":"register: foo"}')
    page.click("button.form1-submitter")
    expect(page.locator("pre.formdata1")).to_have_text('{"result":"submitter: foo"}')


def test_t17_file_upload(page: Page, app: Server, tmp_path: object) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "test-file.txt"
    file.write_text("this is test")
    page.goto(app.url + "/actions/enhance")
    page.set_input_files("input.form-file-input", str(file))
    page.click("button.form-file-submit")
    expect(page.locator("pre.formdata1")).to_have_text('{"result":"file name:test-file.txt"}')


@pytest.mark.parametrize("route", ["redirect", "redirect-in-handle"])
def test_t20_t21_redirects(page: Page, app: Server, route: str) -> None:
    page.goto(app.url + f"/actions/{route}")
    page.click("button")
    expect(page).to_have_url(app.url + "/actions/enhance")
    expect(page.locator("pre.formdata1")).to_have_text("null")


def test_t22_page_status_reflects_error_status(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/enhance")
    page.click("button.form1-error")
    expect(page.locator("h1")).to_have_text("400")


def test_t23_errors_render_at_the_correct_level(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/form-errors/adjacent-error-boundary")
    page.click("button")
    expect(page.locator("pre")).to_have_text("something went wrong")


def test_t26_cross_page_success(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/cross-page/source")
    page.click("button.submit-success" if page_js else "button.native-success")
    expect(page.locator("pre.destination-form")).to_have_text(
        '{"source":"destination","username":"paolo"}'
    )
    expect(page.locator("span.status")).to_have_text("200")
    if not page_js:
        expect(page).to_have_url(app.url + "/actions/cross-page/destination?/success")


def test_t27_cross_page_failure(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/cross-page/source")
    page.click("button.submit-failure" if page_js else "button.native-failure")
    expect(page.locator("pre.destination-form")).to_have_text(
        '{"problem":"invalid","username":"paolo"}'
    )
    expect(page.locator("span.status")).to_have_text("400")


def test_t28_cross_page_redirect(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/actions/cross-page/source")
    page.click("button.submit-redirect" if page_js else "button.native-redirect")
    expect(page.locator("h1.redirected")).to_have_text("redirected")
    expect(page).to_have_url(app.url + "/actions/cross-page/redirected")


def test_t29_cross_page_error_renders_the_destination_boundary(
    page: Page, page_js: bool, app: Server
) -> None:
    page.goto(app.url + "/actions/cross-page/source")
    page.click("button.submit-error" if page_js else "button.native-error")
    expect(page.locator("h1.destination-error")).to_have_text(
        "destination error: cross-page action error"
    )
    if not page_js:
        expect(page).to_have_url(app.url + "/actions/cross-page/destination?throw-in-load&/error")


def test_n7_page_without_actions(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/no-actions")
    with page.expect_response(re.compile("/actions/no-actions$")) as info:
        page.click("button")
    assert info.value.status == 405
    expect(page.locator("h1")).to_have_text("405")


def test_n10_text_plain_form_is_explained(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/misuse")
    page.click("button.text-plain")
    expect(page.locator("h1")).to_have_text("500")
    expect(page.locator("#message")).to_contain_text("text/plain")


def test_n6_fail_without_data(page: Page, app: Server) -> None:
    page.goto(app.url + "/actions/misuse")
    page.click("button.fail-no-data")
    expect(page.locator("#form")).to_have_text("null")
    expect(page.locator("#status")).to_have_text("400")
