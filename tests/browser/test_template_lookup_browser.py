"""Pages built from shared and relative templates, in a real browser, JavaScript on and off."""

from playwright.sync_api import Page, expect
from support import APPS
from support.servers import ServeApp


def test_pages_from_shared_and_relative_templates(page: Page, served_app: ServeApp) -> None:
    server = served_app(APPS / "template_lookup")
    page.goto(server.url + "/")
    expect(page.locator("article.card h2")).to_have_text("Home")
    page.click("text=Blog")
    expect(page.locator("li.row")).to_have_count(2)
    expect(page.locator("footer")).to_have_text("made with kite")
    page.goto(server.url + "/")
    page.click("text=About")
    expect(page.locator("#body")).to_have_text("Hello")
