"""examples/auth-todos with JavaScript on: every form is enhanced by Kite's runtime.

Each test puts a marker on `window` before submitting (`mark_document`) and checks it is
still there afterwards (`still_same_document`): a full page load would have dropped it. The
pending state is observed by holding the request in `page.route` until the test has seen
`aria-busy`, so nothing here depends on how fast the server is.

Two pieces of the app go beyond `data-enhance` and are tested here too: the login form's own
`enhance` callback with `applyAction` (login/+page.html) and the remove-picture form's submit
listener with `deserialize` (account/+page.html).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from auth_todos_helpers import (
    APP,
    PASSWORD,
    html_client,
    png,
    register,
    sign_in_browser,
    sqlite_env,
    unique_email,
)
from playwright.sync_api import Page, Request, Route, expect
from support.runtime import mark_document, open_page, record_requests, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(serve_app: ServeApp, tmp_path: Path) -> Server:
    return serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))


def hold(page: Page, matches: Callable[[str], bool]) -> list[Route]:
    """Requests whose URL `matches` are held until the test calls `.continue_()` on them."""
    held: list[Route] = []

    def keep(route: Route) -> None:
        held.append(route)

    page.route(matches, keep)
    return held


def app_requests(requests: list[Request], app: Server) -> list[str]:
    """`METHOD path?query` of the requests made to the app, without the runtime's assets."""
    return [
        f"{request.method} {request.url.removeprefix(app.url)}"
        for request in requests
        if request.url.startswith(app.url + "/") and not request.url.startswith(app.url + "/_kite/")
    ]


def focused_id(page: Page) -> str:
    """The focused element's id, or "<body>" when focus is on the body."""
    return str(
        page.evaluate(
            "document.activeElement === document.body ? '<body>' : document.activeElement.id"
        )
    )


def add_todo(page: Page, text: str) -> None:
    page.get_by_label("New todo").fill(text)
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_have_text(f"Added “{text}”.")


# --- /login ---------------------------------------------------------------------------------


def test_failed_login_is_shown_in_place_and_focuses_the_field_to_fix(
    js_page: Page, app: Server
) -> None:
    """A wrong password: the message appears without a page load, the email stays, and the
    login page's own callback (applyAction, then focus) puts the caret in the password field
    — the field its message is about — where the default would have left it on the button."""
    email = unique_email()
    with html_client(app.url) as client:
        register(client, email)
    open_page(js_page, app.url + "/login")
    mark_document(js_page)
    js_page.get_by_label("Email").fill(email)
    js_page.get_by_label("Password").fill("not my password")
    js_page.get_by_role("button", name="Log in").click()

    expect(js_page.locator("#password-error")).to_have_text("Incorrect email or password.")
    expect(js_page.get_by_label("Email")).to_have_value(email)
    expect(js_page.get_by_label("Password")).to_be_focused()
    expect(js_page.get_by_role("button", name="Log in")).to_be_enabled()
    assert still_same_document(js_page)

    # Without an email the message is beside the email field, and so is the focus.
    js_page.get_by_label("Email").fill("")
    js_page.get_by_role("button", name="Log in").click()
    expect(js_page.locator("#email-error")).to_have_text("Please enter your email address.")
    expect(js_page.get_by_label("Email")).to_be_focused()
    assert still_same_document(js_page)


def test_register_signs_in_without_a_page_load(js_page: Page, app: Server) -> None:
    """Register (the second button, `formaction="?/register"`) through the login page's own
    callback: `update()` runs the loads, so the layout says who is signed in."""
    email = unique_email()
    open_page(js_page, app.url + "/login")
    mark_document(js_page)
    js_page.get_by_label("Email").fill(email)
    js_page.get_by_label("Password").fill(PASSWORD)
    js_page.get_by_role("button", name="Register").click()

    expect(js_page.get_by_role("status")).to_contain_text("Welcome! Your account is ready.")
    expect(js_page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    expect(js_page).to_have_url(app.url + "/login")
    assert still_same_document(js_page)


def test_login_buttons_are_disabled_while_an_attempt_is_in_flight(
    js_page: Page, app: Server
) -> None:
    """The login page's submit function disables both buttons until the result is shown,
    and the form carries aria-busy meanwhile; both end when the held request goes through."""
    open_page(js_page, app.url + "/login")
    held = hold(js_page, lambda url: "?/login" in url)
    js_page.get_by_label("Email").fill(unique_email())
    js_page.get_by_label("Password").fill(PASSWORD)
    js_page.get_by_role("button", name="Log in").click()

    form = js_page.locator("form#login")
    expect(form).to_have_attribute("aria-busy", "true")
    expect(js_page.get_by_role("button", name="Log in")).to_be_disabled()
    expect(js_page.get_by_role("button", name="Register")).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()

    expect(js_page.locator("#password-error")).to_have_text("Incorrect email or password.")
    expect(form).not_to_have_attribute("aria-busy", "true")
    expect(js_page.get_by_role("button", name="Log in")).to_be_enabled()
    expect(js_page.get_by_role("button", name="Register")).to_be_enabled()


def test_the_login_widget_redirect_is_followed_client_side(js_page: Page, app: Server) -> None:
    """The layout's widget posts to `/login?/login&redirectTo=/`: the 303 is followed by the
    runtime, so the user is back on the home page, signed in, in the same document."""
    email = unique_email()
    with html_client(app.url) as client:
        register(client, email)
    open_page(js_page, app.url + "/")
    mark_document(js_page)
    widget = js_page.locator("form.login-widget")
    widget.get_by_label("Email").fill(email)
    widget.get_by_label("Password").fill(PASSWORD)
    widget.get_by_role("button", name="Log in").click()

    expect(js_page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    expect(js_page).to_have_url(app.url + "/")
    expect(js_page.locator("main")).to_contain_text("Your list is empty.")
    assert still_same_document(js_page)


def test_logout_from_another_page_shows_the_login_page_in_place(js_page: Page, app: Server) -> None:
    """The header's logout is a cross-page action (`/login?/logout`): its result is shown on
    the login page, with a history entry, and no page load."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    mark_document(js_page)
    length = js_page.evaluate("history.length")
    js_page.get_by_role("button", name="Log out").click()

    expect(js_page.get_by_role("status")).to_have_text("You have been logged out.")
    expect(js_page).to_have_url(app.url + "/login")
    expect(js_page.locator(".signed-in")).to_have_count(0)
    assert js_page.evaluate("history.length") == length + 1
    assert still_same_document(js_page)


# --- /todos ---------------------------------------------------------------------------------


def test_create_toggle_edit_and_delete_without_a_page_load(js_page: Page, app: Server) -> None:
    """All four actions of the todo page, each shown in place."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    mark_document(js_page)

    add_todo(js_page, "Buy milk")
    expect(js_page.locator(".todo .text")).to_have_text(["Buy milk"])
    assert still_same_document(js_page)

    js_page.get_by_role("button", name="Done: Buy milk").click()
    expect(js_page.get_by_role("button", name="Done: Buy milk")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(js_page.locator(".summary")).to_have_text("0 open of 1")
    assert still_same_document(js_page)

    js_page.get_by_text("Edit").click()
    js_page.get_by_label("New text for “Buy milk”").fill("Buy oat milk")
    js_page.get_by_role("button", name="Save").click()
    expect(js_page.locator(".todo .text")).to_have_text(["Buy oat milk"])
    assert still_same_document(js_page)

    js_page.get_by_role("button", name="Delete “Buy oat milk”").click()
    expect(js_page.locator(".todo")).to_have_count(0)
    expect(js_page.locator(".summary")).to_have_text("Nothing on your list yet.")
    assert still_same_document(js_page)


def test_a_validation_error_is_shown_in_place_and_the_user_can_keep_typing(
    js_page: Page, app: Server
) -> None:
    """Enter in an empty "New todo" field: the message appears beside it and focus stays in
    the field (a failure never moves focus), so typing goes on where it was."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    mark_document(js_page)
    field = js_page.get_by_label("New todo")
    field.focus()
    js_page.keyboard.press("Enter")

    expect(js_page.locator("#new-text-error")).to_have_text("Write something first.")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert focused_id(js_page) == "new-text"
    js_page.keyboard.type("Call mom")
    expect(field).to_have_value("Call mom")
    js_page.keyboard.press("Enter")
    expect(js_page.get_by_role("status")).to_have_text("Added “Call mom”.")
    expect(js_page.locator("#new-text-error")).to_have_count(0)
    assert still_same_document(js_page)


def test_after_a_successful_create_focus_stays_in_the_field(js_page: Page, app: Server) -> None:
    """After a success shown in place focus stays where the person is (issue 17 item 4): the
    todo page has no [autofocus], so the field Enter was pressed in keeps it, emptied, ready
    for the next todo. (SvelteKit would move it to <body>.)"""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    expect(js_page.locator("[autofocus]")).to_have_count(0)
    js_page.get_by_label("New todo").fill("Water the plants")
    js_page.get_by_label("New todo").press("Enter")

    expect(js_page.get_by_role("status")).to_have_text("Added “Water the plants”.")
    expect(js_page.get_by_label("New todo")).to_have_value("")
    assert focused_id(js_page) == "new-text"


def test_a_form_is_busy_while_its_submission_is_in_flight(js_page: Page, app: Server) -> None:
    """`aria-busy="true"` on the form from the click until the answer is shown (the
    stylesheet dims such a form); a second click meanwhile sends nothing."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    held = hold(js_page, lambda url: "?/create" in url)
    form = js_page.locator("form.new-todo")
    js_page.get_by_label("New todo").fill("Buy milk")
    js_page.get_by_role("button", name="Add").click()

    expect(form).to_have_attribute("aria-busy", "true")
    js_page.get_by_role("button", name="Add").click()
    expect(form).to_have_attribute("aria-busy", "true")
    assert len(held) == 1
    held[0].continue_()

    expect(js_page.get_by_role("status")).to_have_text("Added “Buy milk”.")
    expect(form).not_to_have_attribute("aria-busy", "true")
    assert len(held) == 1
    expect(js_page.locator(".todo .text")).to_have_text(["Buy milk"])


def test_a_default_submission_costs_one_request(js_page: Page, app: Server) -> None:
    """An enhanced form posting to its own page gets the re-rendered page in the action's
    response: one POST and nothing else, for a success and for a failure."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    requests = record_requests(js_page)
    add_todo(js_page, "Buy milk")
    assert app_requests(requests, app) == ["POST /todos?/create"]

    requests.clear()
    js_page.get_by_label("New todo").fill("Buy milk")
    js_page.get_by_role("button", name="Add").click()
    expect(js_page.locator("#new-text-error")).to_have_text("That is already on your list.")
    assert app_requests(requests, app) == ["POST /todos?/create"]


def test_the_search_form_navigates_client_side(js_page: Page, app: Server) -> None:
    """The GET search form: the URL gets `?q=`, a history entry is pushed, the list is
    filtered, and Back shows the whole list again — all in one document."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    for text in ("Buy milk", "Call mom"):
        add_todo(js_page, text)
    mark_document(js_page)
    length = js_page.evaluate("history.length")

    js_page.get_by_role("searchbox", name="Search your todos").fill("milk")
    js_page.get_by_role("button", name="Search").click()
    expect(js_page).to_have_url(app.url + "/todos?q=milk")
    expect(js_page.locator(".todo .text")).to_have_text(["Buy milk"])
    assert js_page.evaluate("history.length") == length + 1
    assert still_same_document(js_page)

    js_page.go_back()
    expect(js_page).to_have_url(app.url + "/todos")
    expect(js_page.locator(".todo .text")).to_have_text(["Buy milk", "Call mom"])
    assert still_same_document(js_page)


# --- /account -------------------------------------------------------------------------------


def test_upload_and_remove_a_picture_without_a_page_load(
    js_page: Page, app: Server, tmp_path: Path
) -> None:
    """The multipart upload form is enhanced by data-enhance; the remove form by the page's
    own submit listener, which posts with `x-sveltekit-action` (not the runtime's `x-kite`
    headers), reads the answer with `deserialize`, runs the loads and shows the result with
    `applyAction`. The listener also serves the remove form of a second upload."""
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/account")
    mark_document(js_page)
    picture = tmp_path / "me.png"
    picture.write_bytes(png(8, 8))
    requests = record_requests(js_page)

    for _ in range(2):
        js_page.get_by_label("Picture").set_input_files(str(picture))
        js_page.get_by_role("button", name="Upload").click()
        expect(js_page.get_by_role("status")).to_have_text("Your new picture is saved.")
        expect(js_page.locator("header img.avatar")).to_have_count(1)

        js_page.get_by_role("button", name="Remove the picture").click()
        expect(js_page.get_by_role("status")).to_have_text("Your picture is removed.")
        expect(js_page.locator(".avatar-preview")).to_have_text("You have no profile picture yet.")
        expect(js_page.locator("header img.avatar")).to_have_count(0)
        assert still_same_document(js_page)

    removals = [request for request in requests if request.url.endswith("?/remove_avatar")]
    assert len(removals) == 2
    for request in removals:
        assert request.headers.get("x-sveltekit-action") == "true"
        assert "x-kite" not in request.headers
