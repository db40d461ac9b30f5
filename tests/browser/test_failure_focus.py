"""After a same-page failure the runtime moves focus to the first invalid field and announces
the error summary (docs/enhanced-forms.md, "Focus and announcement after a failure"), driven
in Chromium against tests/apps/invalid."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from support import APPS
from support.runtime import open_page
from support.servers import ServeApp, Server

TWO_PROBLEMS = "There are 2 problems. Enter your name. Enter an email address with an @."
ONE_PROBLEM = "There are 1 problems. Enter an email address with an @."


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "invalid")


def record_announcements(page: Page) -> None:
    """Every text the live region takes, in order (window.announced)."""
    page.evaluate(
        """() => {
            window.announced = [];
            new MutationObserver(() => {
                const region = document.querySelector('[data-kite-announcer]');
                const text = region ? region.textContent : null;
                if (text !== null && text !== window.announced.at(-1)) window.announced.push(text);
            }).observe(document.body, { childList: true, subtree: true, characterData: true });
        }"""
    )


def test_focus_moves_to_the_first_invalid_field_and_the_summary_is_announced(
    js_page: Page, app: Server
) -> None:
    open_page(js_page, app.url + "/signup")
    record_announcements(js_page)
    js_page.fill("#email", "nobody")
    js_page.click("button.register")
    expect(js_page.locator("p.status")).to_have_text("400")
    expect(js_page.locator("#name")).to_be_focused()
    region = js_page.locator("[data-kite-announcer]")
    expect(region).to_have_text(TWO_PROBLEMS)
    expect(region).to_have_attribute("aria-live", "assertive")
    expect(region).to_have_attribute("aria-atomic", "true")
    # Visually hidden, not hidden from assistive technology.
    box = region.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1

    # Name fixed: the email is now the first (and only) invalid field.
    js_page.fill("#name", "Ada")
    js_page.click("button.register")
    expect(js_page.locator("#email")).to_be_focused()
    expect(region).to_have_text(ONE_PROBLEM)

    # The same failure again: the region is emptied first, so the message changes twice.
    js_page.click("button.register")
    expect(js_page.locator("#email")).to_be_focused()
    expect(region).to_have_text(ONE_PROBLEM)
    js_page.wait_for_function("window.announced.length >= 6")
    expected = ["", TWO_PROBLEMS, "", ONE_PROBLEM, "", ONE_PROBLEM]
    assert js_page.evaluate("window.announced") == expected
    # One live region, kept across the swaps (the server's markup does not have it).
    assert js_page.locator("[data-kite-announcer]").count() == 1


def test_focus_stays_when_no_field_is_invalid(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/signup")
    js_page.fill("input.note", "some note")
    js_page.press("input.note", "Enter")
    expect(js_page.locator("p.later-note")).to_have_text("Saved for later.")
    expect(js_page.locator("p.status")).to_have_text("400")
    expect(js_page.locator("input.note")).to_be_focused()
    assert js_page.locator("[data-kite-announcer]").count() == 0


def test_apply_action_of_a_failure_focuses_and_announces(js_page: Page, app: Server) -> None:
    """The scripted form has no field marked invalid: the page's first one is focused."""
    open_page(js_page, app.url + "/signup")
    js_page.fill("input.scripted-name", "Ada")
    js_page.click("button.scripted")
    expect(js_page.locator("p.status")).to_have_text("400")
    # Only the email is missing; it is marked in the other form.
    expect(js_page.locator("#email")).to_be_focused()
    expect(js_page.locator("[data-kite-announcer]")).to_have_text(ONE_PROBLEM)


def test_without_javascript_the_server_autofocuses_the_first_invalid_field(
    browser: Browser, app: Server
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(app.url + "/signup")
        page.fill("#name", "Ada")
        page.click("button.register")
        expect(page.locator("p.status")).to_have_text("400")
        expect(page.locator("#email")).to_be_focused()
        expect(page.locator("[data-kite-announcer]")).to_have_count(0)
    finally:
        context.close()
