"""Live validation (`data-validate`) in Chromium against tests/apps/live_validation: messages
when a field is left and as it is edited, from the browser's checks and from the server's
(which runs no action and no load), one request in flight per form, stale answers dropped;
with JavaScript off, nothing changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from support import APPS
from support.runtime import open_page
from support.servers import ServeApp, Server

APP = APPS / "live_validation"

# Every text an error message of the page shows, in order (window.seen).
RECORD_MESSAGES = """() => {
  window.seen = [];
  new MutationObserver(() => {
    for (const error of document.querySelectorAll('.kite-field-error')) {
      const text = error.textContent;
      if (text && !window.seen.includes(text)) window.seen.push(text);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
}"""


@pytest.fixture
def app(serve_app: ServeApp) -> Server:
    return serve_app(APP)


@pytest.fixture
def nojs_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def counts(app: Server) -> dict[str, int]:
    result: dict[str, int] = app.client.get("/counts").json()
    return result


def open_signup(page: Page, app: Server) -> None:
    open_page(page, app.url + "/signup")
    # Live validation is loaded once the page is idle; then the browser's bubbles are off.
    page.wait_for_selector("form#signup[novalidate]", state="attached")


def fill_the_rest(page: Page) -> None:
    page.fill("#signup-password", "long enough")
    page.fill("#signup-age", "36")


def test_leaving_an_invalid_field_shows_kite_s_message_and_fixing_it_clears_it(
    js_page: Page, app: Server
) -> None:
    open_signup(js_page, app)
    email = js_page.locator("#signup-email")
    email.fill("ada@")
    # Nothing while typing into a field not yet left.
    expect(js_page.locator("#signup-email-error")).to_have_count(0)
    email.press("Tab")
    error = js_page.locator(".kite-field-invalid > #signup-email-error.kite-field-error")
    expect(error).to_have_text("This is not in the expected format.")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "signup-email-error")
    # Told politely; focus stays where the person put it.
    polite = js_page.locator("[data-kite-polite]")
    expect(polite).to_have_text("This is not in the expected format.")
    expect(polite).to_have_attribute("aria-live", "polite")
    expect(js_page.locator("#signup-password")).to_be_focused()

    # Edited after being left: checked again without leaving it.
    email.fill("ada@example.com")
    expect(js_page.locator("#signup-email-error")).to_have_count(0)
    expect(email).not_to_have_attribute("aria-invalid", "true")
    expect(email).not_to_have_attribute("aria-describedby", "signup-email-error")

    js_page.locator("#signup-age").fill("12")
    js_page.locator("#signup-age").press("Tab")
    expect(js_page.locator("#signup-age-error")).to_have_text("Enter a number of at least 18.")
    js_page.locator("#signup-password").fill("short")
    js_page.locator("#signup-password").press("Tab")
    expect(js_page.locator("#signup-password-error")).to_have_text("Use at least 8 characters.")
    assert counts(app)["action"] == 0


def test_what_only_the_server_knows_is_asked_without_running_the_action(
    js_page: Page, app: Server
) -> None:
    open_signup(js_page, app)
    js_page.evaluate(
        """() => {
            window.validated = [];
            document.getElementById('signup').addEventListener(
                'kite:validated', (event) => window.validated.push(event.detail.errors));
        }"""
    )
    fill_the_rest(js_page)
    js_page.fill("#signup-email", "taken@example.com")
    js_page.press("#signup-email", "Tab")
    expect(js_page.locator("#signup-email-error")).to_have_text("That email is already registered.")
    expect(js_page.locator("#signup-email")).to_have_attribute("aria-invalid", "true")
    # The answer, as the page's own script can read it.
    assert js_page.evaluate("window.validated.at(-1)") == {
        "email": "That email is already registered."
    }
    js_page.fill("#signup-nickname", "admin")
    # Leaving the last field for the submit button: the browser's checks only (the
    # submission would be validated anyway); leaving it for another field asks the server.
    asked = counts(app)["validate"]
    js_page.press("#signup-nickname", "Tab")
    expect(js_page.get_by_role("button", name="Sign up")).to_be_focused()
    js_page.focus("#signup-nickname")
    js_page.press("#signup-nickname", "Shift+Tab")
    expect(js_page.locator("#signup-nickname-error")).to_have_text("That nickname is reserved.")
    assert counts(app)["validate"] == asked + 1
    # The email's message is still the server's: it was not fixed.
    expect(js_page.locator("#signup-email-error")).to_have_text("That email is already registered.")

    js_page.fill("#signup-email", "free@example.com")
    expect(js_page.locator("#signup-email-error")).to_have_count(0)
    seen = counts(app)
    assert seen["action"] == 0
    assert seen["load"] == 1  # the page's own GET
    assert seen["validate"] >= 2

    # Submitting still validates on the server, as before.
    js_page.click("button")
    expect(js_page.locator("#signup-nickname-error")).to_have_text("That nickname is reserved.")
    expect(js_page.locator("[data-kite-error-summary]")).to_contain_text("reserved")
    assert counts(app)["action"] == 1


def test_one_request_in_flight_and_a_stale_answer_is_dropped(js_page: Page, app: Server) -> None:
    open_signup(js_page, app)
    js_page.evaluate(RECORD_MESSAGES)
    # The first field left: the first request (the others are left for later).
    js_page.fill("#signup-email", "slow@example.com")
    js_page.press("#signup-email", "Tab")
    # The server holds this answer until told.
    js_page.wait_for_function(
        "() => fetch('/counts').then((r) => r.json()).then((c) => c.in_flight === 1)"
    )
    # Typing on meanwhile: each pause is longer than the debounce, so each asks again.
    for value in ("a@example.com", "b@example.com", "taken@example.com"):
        js_page.fill("#signup-email", value)
        js_page.wait_for_timeout(400)
    app.client.get("/counts?release")
    expect(js_page.locator("#signup-email-error")).to_have_text("That email is already registered.")
    assert not any("Slow answer" in text for text in js_page.evaluate("window.seen"))
    seen = counts(app)
    assert seen["max_in_flight"] == 1
    # The held one, then one for the values as they were when it came back.
    assert seen["validate"] == 2
    assert seen["action"] == 0


def test_without_a_server_validator_the_browser_s_checks_still_work(
    js_page: Page, app: Server
) -> None:
    open_page(js_page, app.url + "/plain")
    js_page.wait_for_selector("form#plain[novalidate]", state="attached")
    js_page.fill("#code", "ab")
    js_page.press("#code", "Tab")
    error = js_page.locator("#code + #code-error.kite-field-error")
    expect(error).to_have_text("Use at least 3 characters.")
    js_page.fill("#code", "abc")
    expect(js_page.locator("#code-error")).to_have_count(0)
    expect(js_page.locator("#code")).not_to_have_attribute("aria-invalid", "true")


def test_with_javascript_off_nothing_changes(nojs_page: Page, app: Server) -> None:
    nojs_page.goto(app.url + "/signup")
    expect(nojs_page.locator("form#signup")).not_to_have_attribute("novalidate", "")
    nojs_page.fill("#signup-email", "ada@")
    nojs_page.press("#signup-email", "Tab")
    expect(nojs_page.locator(".kite-field-error")).to_have_count(0)
    nojs_page.fill("#signup-email", "ada@example.com")
    fill_the_rest(nojs_page)
    nojs_page.fill("#signup-nickname", "admin")
    nojs_page.click("button")
    expect(nojs_page.locator("#signup-nickname-error")).to_have_text("That nickname is reserved.")
    assert counts(app)["validate"] == 0
    assert counts(app)["action"] == 1
