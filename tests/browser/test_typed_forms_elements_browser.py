"""Typed forms in a real browser, JavaScript on and off: a <textarea> and a
<select multiple> from the model, and a pattern the browser checks as the server does."""

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import open_page
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "typed_forms")


def visit(page: Page, page_js: bool, url: str) -> None:
    if page_js:
        open_page(page, url)
    else:
        page.goto(url)


def test_the_browser_checks_the_translated_pattern(page: Page, page_js: bool, app: Server) -> None:
    visit(page, page_js, app.url + "/post")
    title = page.locator("#post-title")
    expect(title).to_have_attribute("pattern", r"[A-Za-z0-9_\.\-]+")
    page.fill("#post-title", "not allowed!")
    page.fill("#post-body", "long enough body")
    page.click("text=Publish")
    # Refused by the browser itself: nothing was sent.
    assert title.evaluate("input => input.validity.patternMismatch") is True
    expect(page.locator("#published")).to_have_count(0)
    page.fill("#post-title", "my-post_1.0")
    assert title.evaluate("input => input.validity.valid") is True


def test_textarea_and_multiple_select_survive_a_failure(
    page: Page, page_js: bool, app: Server
) -> None:
    visit(page, page_js, app.url + "/post")
    expect(page.locator("textarea#post-body")).to_have_attribute("rows", "4")
    assert page.locator("#post-code").evaluate("input => input.hasAttribute('pattern')") is False
    page.fill("#post-title", "kite")
    page.fill("#post-body", "first line\nsecond line")
    page.select_option("#post-tags", ["news", "life"])
    page.fill("#post-code", "abc1")  # only the server's pattern refuses it
    page.click("text=Publish")
    expect(page.locator("#post-code-error")).to_have_text("This is not in the expected format.")
    expect(page.locator("#post-body")).to_have_value("first line\nsecond line")
    selected = page.locator("#post-tags").evaluate(
        "select => [...select.selectedOptions].map((option) => option.value)"
    )
    assert selected == ["news", "life"]
    page.fill("#post-code", "abc")
    page.click("text=Publish")
    expect(page.locator("#published")).to_have_text("kite: news,life (2 lines)")
