"""Issue 17 item 9: after a navigation that the server answered with a redirect, the address
bar and `page.url` are the redirect's target — links, GET forms, `goto`, action redirects,
and back/forward to an entry whose page now redirects."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import open_page
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "enhance_more")


def page_url(page: Page) -> str:
    return str(page.evaluate("import('/_kite/state.js').then(m => m.page.url.pathname)"))


def moved(page: Page, app: Server) -> None:
    """From now on /redir/a redirects to /redir/b."""
    page.context.add_cookies([{"name": "moved", "value": "1", "url": app.url}])


def test_back_to_an_entry_whose_page_now_redirects(js_page: Page, app: Server) -> None:
    """The issue's repro: an action on A sets the cookie and redirects to B; Back."""
    open_page(js_page, app.url + "/redir/start")
    js_page.click("a.to-a")
    expect(js_page.locator("h1")).to_have_text("A")
    js_page.click("button.go")
    expect(js_page.locator("h1")).to_have_text("B")
    expect(js_page).to_have_url(app.url + "/redir/b")
    js_page.go_back()  # to A's entry: A's load now redirects to B
    expect(js_page).to_have_url(app.url + "/redir/b")
    expect(js_page.locator("h1")).to_have_text("B")
    assert page_url(js_page) == "/redir/b"
    js_page.click("button.ping")  # posts to B, not to A
    expect(js_page.locator("p.pong")).to_have_text("pong")
    js_page.go_back()
    expect(js_page.locator("h1")).to_have_text("Start")
    expect(js_page).to_have_url(app.url + "/redir/start")
    js_page.go_forward()  # the entry that now says /redir/b
    expect(js_page.locator("h1")).to_have_text("B")
    expect(js_page).to_have_url(app.url + "/redir/b")
    assert page_url(js_page) == "/redir/b"


@pytest.mark.parametrize("how", ["link", "get-form", "goto"])
def test_a_navigation_answered_with_a_redirect_shows_the_target(
    js_page: Page, app: Server, how: str
) -> None:
    open_page(js_page, app.url + "/redir/start")
    moved(js_page, app)
    if how == "link":
        js_page.click("a.to-a")
    elif how == "get-form":
        js_page.click("button.get-a")
    else:
        js_page.evaluate("import('/_kite/navigation.js').then(m => m.goto('/redir/a'))")
    expect(js_page.locator("h1")).to_have_text("B")
    expect(js_page).to_have_url(app.url + "/redir/b")
    assert page_url(js_page) == "/redir/b"
    js_page.click("button.ping")
    expect(js_page.locator("p.pong")).to_have_text("pong")


def test_without_javascript_the_browser_shows_the_target(page: Page, app: Server) -> None:
    page.goto(app.url + "/redir/start")
    page.click("a.to-a")
    page.click("button.go")
    expect(page).to_have_url(app.url + "/redir/b")
    page.click("button.ping")
    expect(page.locator("p.pong")).to_have_text("pong")
