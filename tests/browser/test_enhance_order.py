"""Issue 17 item 3 (nothing a person does is lost) and item 6 (never bring back old data):
submissions of one form are sent in order, each after the one before it is applied; an
identical repeat in flight is dropped; a page rendered before the page shown is never
swapped in over it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, Route, expect
from support import APPS
from support.runtime import open_page, record_requests
from support.servers import ServeApp, Server


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "enhance_more")


def posted(requests: list[Request], action: str) -> list[str]:
    """The `key` field of every POST to `action`, in the order the browser sent them."""
    return [
        str(request.post_data).split("key=")[-1]
        for request in requests
        if request.method == "POST" and request.url.endswith(action)
    ]


def click_all(page: Page, selectors: list[str]) -> None:
    """Clicks the buttons from one task, a few ms apart: all in flight together."""
    page.evaluate(
        "selectors => selectors.forEach((s) => document.querySelector(s).click())", selectors
    )


def test_three_keys_clicked_at_once_all_reach_the_server_in_order(
    page: Page, page_js: bool, app: Server
) -> None:
    if not page_js:
        # Without JavaScript each click is a page load: the same result, one at a time.
        page.goto(app.url + "/keys")
        for key in "abc":
            page.click(f"button.key-{key}")
            expect(page.locator("p.typed")).to_contain_text(key)
        expect(page.locator("p.typed")).to_have_text("[abc]")
        return
    open_page(page, app.url + "/keys")
    requests = record_requests(page)
    click_all(page, ["button.key-a", "button.key-b", "button.key-c"])
    expect(page.locator("p.typed")).to_have_text("[abc]")
    expect(page.locator("form.keyboard")).not_to_have_attribute("aria-busy", "true")
    assert posted(requests, "/keys?/update") == ["a", "b", "c"]
    # One request per key: each response brought its page.
    assert len(requests) == 3


def test_default_forms_send_different_submissions_in_order(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    requests = record_requests(js_page)
    click_all(js_page, ["button.default-x", "button.default-y", "button.default-x"])
    expect(js_page.locator("p.typed")).to_have_text("[xyx]")
    expect(js_page.locator("form.default")).not_to_have_attribute("aria-busy", "true")
    assert posted(requests, "/keys?/update") == ["x", "y", "x"]


def test_an_identical_repeat_in_flight_posts_once(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/keys")
    requests = record_requests(js_page)
    click_all(js_page, ["button.default-x", "button.default-x"])
    expect(js_page.locator("p.typed")).to_have_text("[x]")
    expect(js_page.locator("form.default")).not_to_have_attribute("aria-busy", "true")
    assert posted(requests, "/keys?/update") == ["x"]


def test_a_custom_form_sends_every_repeat(js_page: Page, app: Server) -> None:
    """Typing "aa" on the game's keyboard is two letters, not a double click."""
    open_page(js_page, app.url + "/keys")
    click_all(js_page, ["button.key-a", "button.key-a"])
    expect(js_page.locator("p.typed")).to_have_text("[aa]")


# --- item 6: overlapping submissions never bring back old data ------------------------------


def set_delay(page: Page, form: str, seconds: float) -> None:
    page.evaluate(
        "([form, seconds]) => document.querySelectorAll(form + ' input[name=delay]')"
        ".forEach((input) => { input.value = String(seconds); })",
        [form, seconds],
    )


def hold(page: Page, suffix: str) -> list[Route]:
    """Requests whose URL ends with `suffix` wait until the test continues them."""
    held: list[Route] = []

    def keep(route: Route) -> None:
        held.append(route)

    page.route(lambda url: url.endswith(suffix), keep)
    return held


def release(page: Page, held: list[Route]) -> None:
    while not held:  # the browser has sent it; the handler runs while Playwright waits
        page.wait_for_timeout(20)
    held.pop().continue_()


def test_failure_answered_after_a_success_does_not_bring_back_deleted_data(
    js_page: Page, app: Server
) -> None:
    """The issue's repro: delete X, then submit a duplicate; the failure, rendered from the
    page's data as it was before the delete, arrives last."""
    open_page(js_page, app.url + "/todos")
    js_page.fill("input.title", "Y")
    held = hold(js_page, "?/create")
    requests = record_requests(js_page)
    click_all(js_page, ["button.delete-X", "button.add"])
    expect(js_page.locator("#todo-X")).to_have_count(0)  # the delete is shown
    release(js_page, held)  # the duplicate, sent with the token from before the delete
    expect(js_page.locator("p.error")).to_have_text("You already have that todo")
    expect(js_page.locator("form.create")).not_to_have_attribute("aria-busy", "true")
    expect(js_page.locator("li.todo span.name")).to_have_text(["Y", "Z"])
    # The failure came back after the page had changed: its page was asked for again.
    assert [r.method for r in requests] == ["POST", "POST", "POST"]
    assert requests[2].headers["x-kite-render"] == "1"


def test_success_answered_after_a_failure_shows_the_success(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/todos")
    js_page.fill("input.title", "Y")
    held = hold(js_page, "?/delete")
    click_all(js_page, ["button.add", "button.delete-X"])
    expect(js_page.locator("p.error")).to_have_text("You already have that todo")
    release(js_page, held)
    expect(js_page.locator("#todo-X")).to_have_count(0)
    expect(js_page.locator("form[aria-busy]")).to_have_count(0)
    expect(js_page.locator("li.todo span.name")).to_have_text(["Y", "Z"])


def test_two_forms_at_once_both_show(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/todos")
    set_delay(js_page, "li#todo-X form.delete", 0.8)
    set_delay(js_page, "li#todo-Z form.delete", 0.2)
    js_page.fill("input.title", "W")
    set_delay(js_page, "form.create", 0.5)
    click_all(js_page, ["button.delete-X", "button.delete-Z", "button.add"])
    expect(js_page.locator("form[aria-busy]")).to_have_count(0)
    expect(js_page.locator("li.todo span.name")).to_have_text(["Y", "W"])
    js_page.reload()
    expect(js_page.locator("li.todo span.name")).to_have_text(["Y", "W"])
