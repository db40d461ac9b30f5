"""Client-side navigation with Kite's runtime: links inside [data-kite-navigate], GET forms
(reference/scenarios.md G1–G3), goto, history, scroll, the head, and page scripts that run
again when the runtime brings their part of the page in. JavaScript only, except where a test
checks that the same links still work without it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import mark_document, open_page, record_requests, still_same_document
from support.servers import ServeApp, Server

NAV = "/routing/client-nav"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


# --- links -----------------------------------------------------------------------------------


def test_links_work_in_both_modes(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + NAV + "/a")
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
    page.click("a.to-b")
    expect(page.locator("h1.b")).to_have_text("B")
    expect(page).to_have_url(app.url + NAV + "/b?from=nav")
    expect(page.locator("pre.query")).to_have_text("from=nav")


def test_link_inside_data_kite_navigate_is_one_get(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.click("a.to-b")
    expect(js_page.locator("h1.b")).to_have_text("B")
    expect(js_page).to_have_url(app.url + NAV + "/b?from=nav")
    assert still_same_document(js_page)
    assert [(r.method, r.url) for r in requests] == [("GET", app.url + NAV + "/b?from=nav")]
    assert requests[0].headers["x-kite"] == "1"
    assert not requests[0].is_navigation_request()


@pytest.mark.parametrize("link", ["external", "outside", "opted-out"])
def test_links_the_runtime_leaves_alone(js_page: Page, app: Server, link: str) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    with js_page.expect_request(re.compile(r"/routing/client-nav/b\?how=")) as sent:
        js_page.click(f"a.{link}")
    assert sent.value.is_navigation_request()
    expect(js_page.locator("h1.b")).to_have_text("B")
    assert not still_same_document(js_page)


def test_link_with_a_target_opens_a_new_page(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    with js_page.context.expect_page() as popup:
        js_page.click("a.blank")
    popup.value.wait_for_load_state()
    assert popup.value.url == app.url + NAV + "/b?how=blank"
    expect(js_page.locator("h1.a")).to_have_text("A")


def test_download_link_is_a_download(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    with js_page.expect_download() as download:
        js_page.click("a.download")
    assert download.value.url == app.url + NAV + "/b?how=download"
    assert still_same_document(js_page)
    expect(js_page.locator("h1.a")).to_have_text("A")


def test_link_to_another_origin_is_a_browser_navigation(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    js_page.route(
        "http://localhost:1/**",
        lambda route: route.fulfill(body="<h1>elsewhere</h1>", content_type="text/html"),
    )
    with js_page.expect_request("http://localhost:1/elsewhere") as sent:
        js_page.click("a.other-origin")
    assert sent.value.is_navigation_request()
    expect(js_page.locator("h1")).to_have_text("elsewhere")


def test_redirect_during_navigation_ends_at_the_target(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/b")
    mark_document(js_page)
    js_page.click("a.to-redirect")
    expect(js_page.locator("h1.a")).to_have_text("A")
    expect(js_page).to_have_url(app.url + NAV + "/a?redirected=1")
    assert still_same_document(js_page)


def test_title_and_head_follow_the_page(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    expect(js_page).to_have_title("Page A")
    js_page.click("a.to-b")
    expect(js_page).to_have_title("Page B")
    expect(js_page.locator("meta[name=page]")).to_have_attribute("content", "b")
    js_page.go_back()
    expect(js_page).to_have_title("Page A")
    expect(js_page.locator("meta[name=page]")).to_have_count(0)
    assert js_page.locator("script[src*='/start.js']").count() == 1
    assert js_page.locator("#kite-page").count() == 1


def test_history_back_and_forward(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    js_page.click("a.to-b")
    expect(js_page.locator("h1.b")).to_have_text("B")
    js_page.click("a.to-scripted")
    expect(js_page.locator("h1.scripted")).to_have_text("Scripted")
    js_page.go_back()
    expect(js_page.locator("h1.b")).to_have_text("B")
    expect(js_page).to_have_url(app.url + NAV + "/b?from=nav")
    js_page.go_back()
    expect(js_page.locator("h1.a")).to_have_text("A")
    js_page.go_forward()
    expect(js_page.locator("h1.b")).to_have_text("B")
    assert still_same_document(js_page)
    assert js_page.evaluate("import('/_kite/state.js').then(m => m.page.url.pathname)") == (
        NAV + "/b"
    )


def test_scroll_goes_to_the_top_and_comes_back(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    js_page.locator("a.far-to-b").scroll_into_view_if_needed()
    far = js_page.evaluate("scrollY")
    assert far > 1000
    js_page.click("a.far-to-b")
    expect(js_page.locator("h1.b")).to_have_text("B")
    assert js_page.evaluate("scrollY") == 0
    js_page.go_back()
    expect(js_page.locator("h1.a")).to_have_text("A")
    js_page.wait_for_function(f"scrollY === {far}")


def test_navigation_focuses_the_body(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    js_page.focus("a.to-b")
    js_page.keyboard.press("Enter")
    expect(js_page.locator("h1.b")).to_have_text("B")
    js_page.wait_for_function("document.activeElement === document.body")


def test_hash_links_stay_with_the_browser(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.evaluate(
        """() => {
        const link = Object.assign(document.createElement('a'), {href: '#far', className: 'hash'});
        link.textContent = 'to far';
        document.querySelector('nav').append(link);
    }"""
    )
    js_page.click("a.hash")
    expect(js_page).to_have_url(app.url + NAV + "/a#far")
    js_page.go_back()
    expect(js_page).to_have_url(app.url + NAV + "/a")
    assert requests == []
    assert still_same_document(js_page)


def test_goto(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    js_page.evaluate(f"import('/_kite/navigation.js').then(m => m.goto('{NAV}/b?via=goto'))")
    expect(js_page.locator("pre.query")).to_have_text("via=goto")
    expect(js_page).to_have_url(app.url + NAV + "/b?via=goto")
    js_page.evaluate(
        f"import('/_kite/navigation.js').then(m => m.goto('{NAV}/a', {{replaceState: true}}))"
    )
    expect(js_page.locator("h1.a")).to_have_text("A")
    js_page.go_back()
    expect(js_page).to_have_url(app.url + NAV + "/a")  # b?via=goto was replaced
    assert still_same_document(js_page)


def test_layout_data_is_loaded_again_on_navigation(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    before = js_page.inner_text("pre.layout-loaded-at")
    js_page.click("a.to-b")
    expect(js_page.locator("h1.b")).to_have_text("B")
    expect(js_page.locator("pre.layout-loaded-at")).not_to_have_text(before)


# --- page scripts ----------------------------------------------------------------------------


def test_page_script_runs_when_its_page_is_swapped_in(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/a")
    mark_document(js_page)
    js_page.click("a.to-scripted")
    expect(js_page.locator("h1.scripted")).to_have_text("Scripted")
    # The page's script runs once the runtime has put it in (a click before that would
    # submit natively, which works too, but is not what this test is about).
    expect(js_page.locator("p.script-ran")).to_have_text("yes")
    js_page.click("button.scripted-submit")
    expect(js_page.locator("pre.form-json")).to_have_text('{"message":"hello"}')
    expect(js_page.locator("p.callback-ran")).to_have_text("yes")
    assert still_same_document(js_page)


def test_page_script_runs_again_after_coming_back(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + NAV + "/scripted")
    js_page.click("a.to-a")
    expect(js_page.locator("h1.a")).to_have_text("A")
    js_page.go_back()
    expect(js_page.locator("h1.scripted")).to_have_text("Scripted")
    expect(js_page.locator("p.script-ran")).to_have_text("yes")
    js_page.click("button.scripted-submit")
    expect(js_page.locator("p.callback-ran")).to_have_text("yes")


# --- GET forms (G1–G3) ----------------------------------------------------------------------


def test_g1_get_form_navigates_without_reload(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/routing/form-get")
    expect(js_page.locator("h1")).to_have_text("...")
    mark_document(js_page)
    requests = record_requests(js_page)
    js_page.fill("input[name=q]", "updated")
    js_page.click('button[type="submit"]')
    expect(js_page.locator("h1")).to_have_text("updated")
    expect(js_page.locator("h3")).to_have_text("bar")
    expect(js_page).to_have_url(app.url + "/routing/form-get?q=updated&foo=bar")
    assert still_same_document(js_page)
    assert [(r.method, r.url) for r in requests] == [
        ("GET", app.url + "/routing/form-get?q=updated&foo=bar")
    ]
    js_page.go_back()
    expect(js_page.locator("h1")).to_have_text("...")


def test_g1_get_form_without_javascript(page: Page, page_js: bool, app: Server) -> None:
    page.goto(app.url + "/routing/form-get")
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
    page.fill("input[name=q]", "updated")
    page.click('button[type="submit"]')
    expect(page.locator("h1")).to_have_text("updated")
    expect(page.locator("h3")).to_have_text("bar")


@pytest.mark.parametrize("button", ["inside", "outside"])
def test_g2_g3_form_target_blank_opens_a_new_page(js_page: Page, app: Server, button: str) -> None:
    open_page(js_page, app.url + "/routing/form-target-blank")
    with js_page.context.expect_page() as popup:
        js_page.click(f"button.{button}")
    popup.value.wait_for_load_state()
    assert popup.value.url.startswith(app.url + "/routing/form-target-blank")
    assert js_page.url == app.url + "/routing/form-target-blank"


def test_get_form_with_clobbering_fields(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/routing/form-get-clobbered")
    mark_document(js_page)
    js_page.fill("input.clobbered-q", "trapped")
    js_page.click("button.clobbered-submit")
    expect(js_page.locator("h1")).to_have_text("trapped")
    expect(js_page).to_have_url(
        app.url + "/routing/form-get-clobbered?closest=1&matches=2&method=3&q=trapped"
    )
    assert still_same_document(js_page)
