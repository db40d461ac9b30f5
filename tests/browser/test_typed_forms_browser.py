"""Typed forms in a real browser, JavaScript on and off (typed_forms fixture app): messages
next to their fields, refilled values, the password never refilled, focus on the first
invalid field, the error summary and its links, two forms on one page."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import open_page
from support.servers import ServeApp, Server

PASSWORD = "Zq9-unguessable-Secret"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "typed_forms")


def visit(page: Page, page_js: bool, url: str) -> None:
    if page_js:
        open_page(page, url)  # wait for the runtime, or the first submit would be native
    else:
        page.goto(url)


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def submit_invalid_registration(page: Page, page_js: bool, app: Server) -> None:
    visit(page, page_js, app.url + "/register")
    page.fill("#register-email", "ada@")
    page.fill("#register-password", PASSWORD)
    page.fill("#register-age", "12")
    page.check("#register-terms")
    page.click("button")


def test_messages_show_next_to_their_fields_with_values_refilled(
    page: Page, page_js: bool, app: Server
) -> None:
    submit_invalid_registration(page, page_js, app)
    expect(page.locator("#register-email-error")).to_have_text(
        "This is not in the expected format."
    )
    expect(page.locator("#register-age-error")).to_have_text("Enter a number of at least 13.")
    expect(page.locator("#register-email")).to_have_value("ada@")
    expect(page.locator("#register-age")).to_have_value("12")
    expect(page.locator("#register-terms")).to_be_checked()
    expect(page.locator("#register-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#register-password")).not_to_have_attribute("aria-invalid", "true")
    # The message is the field's accessible description.
    expect(page.locator("#register-email")).to_have_accessible_description(
        "This is not in the expected format."
    )
    expect(page.locator("#register-password-error")).to_have_count(0)


def test_the_password_is_empty_after_a_failure(page: Page, page_js: bool, app: Server) -> None:
    submit_invalid_registration(page, page_js, app)
    expect(page.locator("#register-email-error")).to_be_visible()
    expect(page.locator("#register-password")).to_have_value("")
    assert PASSWORD not in page.content()


def test_focus_moves_to_the_first_invalid_field(page: Page, page_js: bool, app: Server) -> None:
    visit(page, page_js, app.url + "/register")
    page.fill("#register-email", "ada@example.com")
    page.fill("#register-password", "short")
    page.fill("#register-age", "200")
    page.click("button")
    expect(page.locator("#register-password-error")).to_have_text("Use at least 8 characters.")
    if not page_js:
        # The re-rendered page puts autofocus on the first invalid field, and only there.
        expect(page.locator("[autofocus]")).to_have_count(1)
        expect(page.locator("#register-password")).to_have_attribute("autofocus", "")
    expect(page.locator("#register-password")).to_be_focused()
    assert focused_id(page) == "register-password"


def test_the_error_summary_is_announced_with_javascript(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/register")
    js_page.fill("#register-email", "nope")
    js_page.click("button")
    announcer = js_page.locator("[data-kite-announcer]")
    expect(announcer).to_have_count(1)
    expect(announcer).to_have_attribute("aria-live", "assertive")
    expect(announcer).to_contain_text("There is a problem")
    expect(announcer).to_contain_text("Email: This is not in the expected format.")
    expect(announcer).to_contain_text("Password: This field is required.")


def test_summary_links_lead_to_existing_fields(page: Page, page_js: bool, app: Server) -> None:
    visit(page, page_js, app.url + "/register")
    page.click("button")
    summary = page.locator("[data-kite-error-summary]")
    expect(summary).to_be_visible()
    links = summary.locator("a")
    expect(links).to_have_count(2)
    targets = [str(links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert targets == ["#register-email", "#register-password"]
    for target in targets:
        expect(page.locator(target)).to_have_count(1)
    links.nth(1).click()
    expect(page.locator("#register-password")).to_be_in_viewport()


def test_success_after_a_failure(page: Page, page_js: bool, app: Server) -> None:
    submit_invalid_registration(page, page_js, app)
    expect(page.locator("#register-email-error")).to_be_visible()
    page.fill("#register-email", "ada@example.com")
    page.fill("#register-password", PASSWORD)
    page.fill("#register-age", "36")
    page.click("button")
    expect(page.locator("#done")).to_have_text("Welcome ada@example.com (36)")
    expect(page.locator(".kite-field-error")).to_have_count(0)
    expect(page.locator("[aria-invalid]")).to_have_count(0)


def test_an_email_already_taken(page: Page, page_js: bool, app: Server) -> None:
    visit(page, page_js, app.url + "/register")
    page.fill("#register-email", "taken@example.com")
    page.fill("#register-password", PASSWORD)
    page.check("#register-terms")
    page.click("button")
    expect(page.locator("#register-email-error")).to_have_text(
        "An account with this email already exists."
    )
    expect(page.locator("#register-email")).to_have_value("taken@example.com")
    expect(page.locator("#register-password")).to_have_value("")
    expect(page.locator("#register-email")).to_be_focused()


def test_two_forms_do_not_show_each_others_errors(page: Page, page_js: bool, app: Server) -> None:
    visit(page, page_js, app.url + "/two")
    page.fill("#contact-email", "nope")
    page.fill("#contact-message", "hi")
    page.locator("#contact button").click()
    expect(page.locator("#contact-email-error")).to_have_text("This is not in the expected format.")
    expect(page.locator("#contact-email")).to_have_value("nope")
    expect(page.locator("#subscribe-email-error")).to_have_count(0)
    expect(page.locator("#subscribe-email")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#subscribe-email")).to_have_value("")
    expect(page.locator("#contact-email")).to_be_focused()
    # Then the other form: its own error, and the first form's are gone.
    page.fill("#subscribe-email", "also-bad")
    page.locator("#subscribe button").click()
    expect(page.locator("#subscribe-email-error")).to_have_text(
        "This is not in the expected format."
    )
    expect(page.locator("#contact-email-error")).to_have_count(0)
    expect(page.locator("#subscribe-email")).to_be_focused()
    page.fill("#subscribe-email", "ada@example.com")
    page.locator("#subscribe button").click()
    expect(page.locator("#subscribed")).to_have_text("ada@example.com")
    expect(page.locator(".kite-field-error")).to_have_count(0)


def test_an_order_with_nested_indexed_choices_checkbox_and_file(
    page: Page, page_js: bool, app: Server, tmp_path: Path
) -> None:
    file = tmp_path / "note.txt"
    file.write_text("hello")
    visit(page, page_js, app.url + "/order")
    page.fill("#order-customer-name", "Ada")
    page.fill("#order-customer-address-city", "L")  # too short
    page.fill("#order-customer-address-zip", "12345")
    page.select_option("#order-items-0-sku", "pear")
    page.fill("#order-items-0-qty", "3")
    page.select_option("#order-priority", "high")
    page.check("#order-express")
    page.fill("#order-amount", "9.99")
    page.fill("#order-card", "4111111111111111")
    page.set_input_files("#order-attachment", str(file))
    page.click("button")
    expect(page.locator("#order-customer-address-city-error")).to_have_text(
        "Use at least 2 characters."
    )
    expect(page.locator("#order-customer-address-city")).to_be_focused()
    expect(page.locator("#order-items-0-sku")).to_have_value("pear")
    expect(page.locator("#order-priority")).to_have_value("high")
    expect(page.locator("#order-express")).to_be_checked()
    expect(page.locator("#order-card")).to_have_value("")
    page.fill("#order-customer-address-city", "London")
    page.set_input_files("#order-attachment", str(file))  # a file input is never refilled
    page.click("button")
    expect(page.locator("#attachment")).to_have_text('["note.txt",5]')
    order = json.loads(page.locator("#result").inner_text())
    assert order["express"] is True and order["priority"] == "high"
    assert order["items"] == [{"sku": "pear", "qty": 3}]  # the blank second row is no item
    assert order["customer"]["address"] == {"city": "London", "zip": "12345"}
