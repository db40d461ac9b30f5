"""The server core in a real browser, JavaScript on and off: layouts, error pages, static
files, links."""

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def basics(served_app: ServeApp) -> Server:
    return served_app(APPS / "basics")


def test_layout_page_title_and_static_image(page: Page, basics: Server) -> None:
    page.goto(basics.url + "/about")
    expect(page).to_have_title("About")
    expect(page.locator("main h1")).to_have_text("About")
    expect(page.locator("footer")).to_have_text("Root layout: root-data")
    loaded = page.locator("img").evaluate("img => img.complete && img.naturalWidth === 0")
    assert loaded  # /logo.txt is not an image, but it was fetched without a 404 page


def test_links_and_params(page: Page, basics: Server) -> None:
    page.goto(basics.url + "/")
    page.click("text=About")
    expect(page).to_have_url(basics.url + "/about")
    page.goto(basics.url + "/blog/hello%20world")
    expect(page.locator("#slug")).to_have_text("hello world")


def test_not_found_page(page: Page, basics: Server) -> None:
    response = page.goto(basics.url + "/does/not/exist")
    assert response is not None and response.status == 404
    expect(page.locator("#status")).to_have_text("404")
    expect(page.locator("footer")).to_have_text("Root layout: root-data")


def test_error_boundary_inside_layouts(page: Page, basics: Server) -> None:
    response = page.goto(basics.url + "/errors/in-load")
    assert response is not None and response.status == 418
    expect(page.locator(".errors-layout .errors-boundary")).to_have_text("418: I am a teapot")
