"""Issue 21 item 5 in Chromium: with `script-src 'self'` and nothing else, Kite's runtime,
its enhanced forms, client-side navigation and the pages' own (nonced) scripts run without
a single violation; a script without the nonce is refused, which shows the watch works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.csp import watch_policy
from support.runtime import mark_document, open_page, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "csp")


def test_enhanced_forms_and_navigation_under_a_strict_policy(js_page: Page, app: Server) -> None:
    problems = watch_policy(js_page)
    open_page(js_page, app.url + "/")
    expect(js_page.locator("#inline")).to_have_text("inline script ran 1")
    mark_document(js_page)
    js_page.click("text=Add")
    expect(js_page.locator("#count")).to_have_text("1")
    js_page.click("text=Add")
    expect(js_page.locator("#count")).to_have_text("2")
    # The same script from the next response (another nonce) is not run again.
    assert js_page.evaluate("window.inlineRuns") == 1
    # The runtime runs the next page's script, with the nonce the document's policy knows.
    js_page.click("text=Other")
    expect(js_page.locator("#other")).to_have_text("other script ran")
    js_page.click("text=Home")
    expect(js_page.locator("#inline")).to_have_text("inline script ran 2")
    assert still_same_document(js_page)
    assert problems == []


def test_a_script_without_the_nonce_is_refused(js_page: Page, app: Server) -> None:
    problems = watch_policy(js_page)
    open_page(js_page, app.url + "/unsigned")
    expect(js_page.locator("h1")).to_have_text("Unsigned")
    js_page.wait_for_function("document.readyState === 'complete'")
    assert js_page.evaluate("document.body.dataset.unsigned") is None
    assert any(problem.startswith("violation: script-src") for problem in problems), problems


def test_the_forms_work_with_and_without_javascript(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/")
    page.click("text=Add")
    expect(page.locator("#count")).to_have_text("1")
    page.click("text=Add")
    expect(page.locator("#count")).to_have_text("2")
    assert page.evaluate("window.inlineRuns ?? 0") == (1 if page_js else 0)
