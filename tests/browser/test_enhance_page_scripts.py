"""Issue 17 item 4 (focus stays where the person is), item 5 (what the page's own script owns
survives an update: `data-kite-keep`, `kite:updated`) and item 8 (forms that appear later are
enhanced like the others: `enhance(selector, submit)`)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import mark_document, open_page, record_requests, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "enhance_more")


def focused_class(page: Page) -> str:
    return str(page.evaluate("document.activeElement.className"))


# --- item 4: focus ----------------------------------------------------------------------------


def test_a_keyboard_user_toggles_one_todo_after_another(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/todos")
    js_page.focus("button.toggle-X")
    js_page.keyboard.press("Space")
    expect(js_page.locator("button.toggle-X")).to_have_attribute("aria-pressed", "true")
    assert focused_class(js_page) == "toggle-X"
    js_page.keyboard.press("Tab")  # the delete button of X
    js_page.keyboard.press("Tab")  # the toggle of Y
    js_page.keyboard.press("Space")
    expect(js_page.locator("button.toggle-Y")).to_have_attribute("aria-pressed", "true")
    assert focused_class(js_page) == "toggle-Y"


def test_typing_on_the_on_screen_keys_with_space(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    js_page.focus("button.key-a")
    js_page.keyboard.press("Space")
    expect(js_page.locator("p.typed")).to_have_text("[a]")
    assert focused_class(js_page) == "key-a"
    js_page.keyboard.press("Tab")
    js_page.keyboard.press("Space")
    expect(js_page.locator("p.typed")).to_have_text("[ab]")
    assert focused_class(js_page) == "key-b"


def test_focus_follows_the_element_that_replaced_the_focused_one(
    js_page: Page, app: Server
) -> None:
    """When the update replaces the focused element, focus goes to its replacement: the
    element with the same tag, name and value."""
    open_page(js_page, app.url + "/keys")
    # An id the server's markup lacks: the morph replaces this button with the server's.
    js_page.evaluate("document.querySelector('button.key-c').id = 'local'")
    js_page.focus("button.key-c")
    js_page.keyboard.press("Space")
    expect(js_page.locator("p.typed")).to_have_text("[c]")
    expect(js_page.locator("#local")).to_have_count(0)
    assert focused_class(js_page) == "key-c"


# --- item 5: data-kite-keep and kite:updated -------------------------------------------------


def test_data_kite_keep_leaves_the_page_scripts_element_alone(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    js_page.evaluate(
        """() => {
        document.querySelector('p.scratch').textContent = 'typed by hand';
        document.querySelector('p.scratch').dataset.mine = 'yes';
        document.querySelector('p.plain-scratch').textContent = 'typed by hand';
    }"""
    )
    js_page.click("button.key-bang")  # a bad guess: the page is updated
    expect(js_page.locator("p.bad")).to_have_text("Not a word")
    expect(js_page.locator("p.scratch")).to_have_text("typed by hand")
    expect(js_page.locator("p.scratch")).to_have_attribute("data-mine", "yes")
    # Without the attribute the server's markup comes back.
    expect(js_page.locator("p.plain-scratch")).to_have_text("")


def test_kite_updated_after_every_result_and_navigation(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    js_page.click("button.key-a")
    expect(js_page.locator("p.typed")).to_have_text("[a]")
    js_page.click("button.key-bang")
    expect(js_page.locator("p.bad")).to_have_text("Not a word")
    js_page.click("button.default-x")
    expect(js_page.locator("p.typed")).to_have_text("[ax]")
    assert js_page.evaluate("window.kiteUpdates") == [
        ["keyboard", "success"],
        ["keyboard", "failure"],
        ["default", "success"],
    ]
    open_page(js_page, app.url + "/redir/start")
    js_page.evaluate(
        """() => { window.navigations = [];
        document.addEventListener('kite:updated', (event) => window.navigations.push(
            [event.detail.form, event.detail.result, event.detail.url.pathname])); }"""
    )
    js_page.click("a.to-a")
    expect(js_page.locator("h1")).to_have_text("A")
    assert js_page.evaluate("window.navigations") == [[None, None, "/redir/a"]]


# --- item 8: forms that appear later ---------------------------------------------------------


def test_enhance_with_a_selector_covers_forms_added_later(
    page: Page, page_js: bool, app: Server
) -> None:
    if page_js:
        open_page(page, app.url + "/later")
        mark_document(page)
    else:
        page.goto(app.url + "/later")
    page.click("button.touch-one")
    expect(page.locator("p.touched")).to_have_text("one")
    page.fill("input.name", "two")
    page.click("button.add")
    expect(page.locator("button.touch-two")).to_be_visible()
    requests = record_requests(page)
    page.click("button.touch-two")
    expect(page.locator("p.touched")).to_have_text("two")
    if page_js:
        # The page script's callback ran for both forms; `{{ … }}` inside {% raw %} is
        # JavaScript, not Jinja.
        expect(page.locator("pre.calls")).to_have_text("one;two;")
        assert [r.method for r in requests] == ["POST"]
        assert still_same_document(page)
