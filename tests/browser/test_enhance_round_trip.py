"""Issue 17 item 1 (one round trip, custom callbacks included), item 2 (no waiting for code)
and item 7 (dev behaves like production)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, expect
from support import APPS
from support.runtime import open_page, record_requests
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "enhance_more")


def runtime_requests(page: Page) -> list[Request]:
    """Every request for a runtime module from now on."""
    requests: list[Request] = []
    page.on(
        "request", lambda request: requests.append(request) if "/_kite/" in request.url else None
    )
    return requests


def settled(page: Page, url: str) -> None:
    """Loaded, interactive, and idle: what the runtime preloads has arrived."""
    open_page(page, url)
    page.wait_for_load_state("networkidle")


# --- item 1: one round trip -----------------------------------------------------------------


def test_a_custom_callback_calling_update_is_one_round_trip(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    requests = record_requests(js_page)
    js_page.click("button.key-a")
    expect(js_page.locator("p.typed")).to_have_text("[a]")
    js_page.click("button.key-bang")  # a failure, update() in the callback
    expect(js_page.locator("p.bad")).to_have_text("Not a word")
    expect(js_page.locator("form.keyboard")).not_to_have_attribute("aria-busy", "true")
    assert [(r.method, r.url) for r in requests] == [("POST", app.url + "/keys?/update")] * 2


def test_an_error_is_one_round_trip(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    requests = record_requests(js_page)
    js_page.click("button.key-what")  # the action raises error(418): update() shows it
    expect(js_page.locator("h1")).to_have_text("418")
    expect(js_page.locator("#message")).to_have_text("No such key")
    expect(js_page).to_have_url(app.url + "/keys")
    assert [(r.method, r.url) for r in requests] == [("POST", app.url + "/keys?/update")]
    script = "import('/_kite/state.js').then(m => [m.page.status, m.page.error.message])"
    assert js_page.evaluate(script) == [418, "No such key"]


def test_apply_action_of_a_submission_is_one_round_trip(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    requests = record_requests(js_page)
    js_page.click("button.apply-z")
    expect(js_page.locator("p.typed")).to_have_text("[z]")
    expect(js_page.locator("form.apply")).not_to_have_attribute("aria-busy", "true")
    assert [(r.method, r.url) for r in requests] == [("POST", app.url + "/keys?/update")]
    state = js_page.evaluate("import('/_kite/state.js').then(m => [m.page.status, m.page.form])")
    assert state == [200, {"last": "z"}]


def test_a_result_of_another_page_is_one_round_trip(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/later")
    requests = record_requests(js_page)
    js_page.click("button.cross")
    expect(js_page.locator("p.typed")).to_have_text("[q]")
    expect(js_page).to_have_url(app.url + "/keys")
    assert [(r.method, r.url) for r in requests] == [("POST", app.url + "/keys?/update")]
    js_page.go_back()
    expect(js_page).to_have_url(app.url + "/later")


# --- item 2: no waiting for code ------------------------------------------------------------


@pytest.mark.parametrize("dev", [False, True], ids=["start", "dev"])
def test_after_idle_a_submission_fetches_no_code(
    js_page: Page, serve_app: ServeApp, app: Server, dev: bool
) -> None:
    server = serve_app(APPS / "enhance_more", dev=True) if dev else app
    settled(js_page, server.url + "/keys")
    modules = runtime_requests(js_page)
    js_page.click("button.key-a")  # custom callback, update()
    expect(js_page.locator("p.typed")).to_have_text("[a]")
    js_page.click("button.default-x")  # default behaviour
    expect(js_page.locator("p.typed")).to_have_text("[ax]")
    js_page.click("button.apply-z")  # applyAction()
    expect(js_page.locator("p.typed")).to_have_text("[axz]")
    assert [r.url for r in modules] == []


def test_after_idle_a_navigation_fetches_no_code(js_page: Page, app: Server) -> None:
    settled(js_page, app.url + "/redir/start")
    modules = runtime_requests(js_page)
    js_page.click("a.to-a")
    expect(js_page.locator("h1")).to_have_text("A")
    js_page.go_back()
    expect(js_page.locator("h1")).to_have_text("Start")
    assert [r.url for r in modules] == []


# --- item 7: dev checks do not delay the submit function -------------------------------------

SUBMIT_AND_LOOK = """() => {
    const form = document.querySelector('form.chat');
    form.querySelector('input.text').value = 'hello';
    form.requestSubmit();
    // Still inside the submit event's task: the submit function has run, or it never will
    // have in time.
    return form.querySelector('input.text').disabled;
}"""


@pytest.mark.parametrize("dev", [False, True], ids=["start", "dev"])
def test_the_submit_function_runs_during_the_submit_event(
    js_page: Page, serve_app: ServeApp, app: Server, dev: bool
) -> None:
    server = serve_app(APPS / "enhance_more", dev=True) if dev else app
    open_page(js_page, server.url + "/dev-submit")
    assert js_page.evaluate(SUBMIT_AND_LOOK) is True
    expect(js_page.locator("p.sent")).to_have_text("hello")
    expect(js_page.locator("input.text")).to_be_enabled()


def test_a_result_of_a_page_without_the_runtime_loads_that_page(js_page: Page, app: Server) -> None:
    """A page with `csr = False` must work natively: it is loaded, not swapped in (which
    would leave this page's runtime running on it)."""
    open_page(js_page, app.url + "/later")
    js_page.click("button.plain")
    expect(js_page.locator("h1")).to_have_text("Plain")
    expect(js_page).to_have_url(app.url + "/plain")
    expect(js_page.locator("html[data-kite-ready]")).to_have_count(0)
    assert js_page.evaluate("document.querySelectorAll('script').length") == 0
