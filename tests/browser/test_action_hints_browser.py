"""`kite dev` explains a form that posts to no action of its page, JavaScript on and off."""

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def dev(served_app: ServeApp) -> Server:
    return served_app(APPS / "action_names", dev=True)


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("#unnamed", "only named actions ('login', 'register')"),
        ("#unknown", "no action named 'logout'"),
    ],
)
def test_the_error_page_names_the_actions(
    page: Page, dev: Server, button: str, expected: str
) -> None:
    page.goto(dev.url + "/named")
    page.click(button)
    expect(page.locator("#status")).to_have_text("404")
    expect(page.locator("#kite-dev-error")).to_contain_text(expected)
    expect(page.locator("#kite-dev-error")).to_contain_text('action="?/login"')


def test_a_named_action_still_runs(page: Page, dev: Server) -> None:
    page.goto(dev.url + "/named")
    page.click("#login")
    expect(page.locator("#done")).to_have_text("login")
