"""Issue 21 item 1 in Chromium. Without JavaScript a submission lands on a GET of its page:
reload, Back and Forward never send the form again nor show its result again. With
JavaScript the enhanced submission is unchanged (no redirect, no page load)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from support import APPS
from support.runtime import mark_document, open_page, record_requests, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(serve_app: ServeApp) -> Server:
    return serve_app(APPS / "prg")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """JavaScript off: the native submission."""
    context = browser.new_context(java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_reload_back_and_forward_never_resend_the_form(page: Page, app: Server) -> None:
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto(app.url + "/plain")
    page.goto(app.url + "/")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#count")).to_have_text("1")
    expect(page.locator("#flashes li")).to_have_text(["Added."])
    assert page.url == app.url + "/"
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#count")).to_have_text("2")
    assert len(posts) == 2
    runs = page.locator("#runs").inner_text()

    page.reload()
    expect(page.locator("#count")).to_have_text("0")  # the result is not shown again
    expect(page.locator("#flashes li")).to_have_count(0)
    page.go_back()
    expect(page.locator("#count")).not_to_have_text("2")
    page.go_forward()
    expect(page.locator("#count")).to_have_text("0")
    expect(page.locator("#runs")).to_have_text(runs)
    assert len(posts) == 2  # never sent again

    page.click("text=Refuse")
    expect(page.locator("#message")).to_have_text("Not today.")
    expect(page.locator("#status")).to_have_text("422")
    page.reload()
    expect(page.locator("#message")).to_have_count(0)
    assert len(posts) == 3


def test_enhanced_submissions_are_unchanged(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.get_by_role("button", name="Add").click()
    expect(js_page.locator("#count")).to_have_text("1")
    expect(js_page.locator("#flashes li")).to_have_text(["Added."])
    assert still_same_document(js_page)
    assert [request.method for request in requests] == ["POST"]
    assert all(request.redirected_from is None for request in requests)
