"""Per-action limits in a real browser, JavaScript on and off (tests/apps/limits).

Over a body limit: the 413 error page either way. Over a rate: with JavaScript, a 429
failure the page renders beside its form; without, the page's 429 error page.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "limits")


def test_an_action_allows_more_than_its_page(page: Page, app: Server) -> None:
    page.goto(app.url + "/sizes")
    page.fill("#field", "x" * 10_000)
    page.click("#own-limit")
    expect(page.locator("#received")).to_have_text("received 10000")


def test_over_the_page_limit_is_the_413_page(page: Page, app: Server) -> None:
    page.goto(app.url + "/sizes")
    page.fill("#field", "x" * 5000)
    with page.expect_response(re.compile(r"/sizes\?/page_limit$")) as info:
        page.click("#page-limit")
    assert info.value.status == 413
    expect(page.locator("#status")).to_have_text("413")


def test_over_the_rate_js_shows_a_failure_nojs_the_error_page(
    page: Page, page_js: bool, app: Server
) -> None:
    name = uuid.uuid4().hex
    page.goto(app.url + "/login")
    for _ in range(3):
        page.fill("#name", name)
        # One submission at a time: each answered before the next.
        with page.expect_response(re.compile(r"/login\?/attempt$")) as info:
            page.click("button")
        assert info.value.status == 400
        expect(page.locator("#wrong")).to_be_visible()
    page.fill("#name", name)
    with page.expect_response(re.compile(r"/login\?/attempt$")) as info:
        page.click("button")
    assert info.value.status == 429
    assert 1 <= int(info.value.headers["retry-after"]) <= 60
    if page_js:
        # The page stays, with the failure's message and status.
        expect(page.locator("#limited")).to_contain_text("Too many attempts. Please try again in")
        expect(page.locator("#limited")).to_contain_text("(status 429)")
        expect(page.locator("#name")).to_be_visible()
    else:
        expect(page.locator("#status")).to_have_text("429")
        expect(page.locator("#message")).to_have_text("Too Many Requests")
