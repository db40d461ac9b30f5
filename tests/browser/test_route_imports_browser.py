"""Route modules that import helpers beside them, in a real browser, JavaScript on and off."""

from playwright.sync_api import Page, expect
from support import APPS
from support.servers import ServeApp


def test_routes_share_a_helper_module(page: Page, serve_app: ServeApp) -> None:
    server = serve_app(APPS / "route_imports")
    page.goto(server.url + "/")
    expect(page.locator("#count")).to_have_text("0")
    page.click("text=Bump")
    expect(page.locator("#count")).to_have_text("1")
    page.click("text=Dashboard")
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("#count")).to_have_text("1")
    page.goto(server.url + "/fr/hello")
    expect(page.locator("h1")).to_have_text("Bonjour")
