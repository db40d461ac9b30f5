"""examples/auth-todos in Chromium, once with JavaScript on and once off.

Without JavaScript every form posts natively. With it, Kite's runtime enhances the forms
that carry `data-enhance`; the expectations here hold either way (what the user sees), and
only what is specific to native posts is guarded by `page_js`.
"""

from __future__ import annotations

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
from playwright.sync_api import Page, expect
from support.servers import ServeApp, Server


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("auth-todos-browser") / "app.sqlite3"


@pytest.fixture
def app(served_app: ServeApp, db_path: Path) -> Server:
    return served_app(APP, env=sqlite_env(db_path))


def test_register_add_a_todo_tick_it_and_log_out(page: Page, app: Server) -> None:
    email = unique_email()
    page.goto(app.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    expect(page.get_by_role("status")).to_contain_text("Welcome! Your account is ready.")
    # Without JavaScript the POST was answered with a 303 back to the page (post/redirect/
    # get): its URL has no action key, and a reload neither posts again nor shows it again.
    expect(page).to_have_url(app.url + "/login")
    page.reload()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    expect(page.get_by_text("Welcome! Your account is ready.")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Todos", exact=True
    ).click()
    expect(page).to_have_url(app.url + "/todos")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your todos")

    # The server's validation, shown beside the field.
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#new-text-error")).to_have_text("Write something first.")
    new_todo = page.get_by_label("New todo")
    expect(new_todo).to_have_attribute("aria-invalid", "true")
    expect(new_todo).to_have_attribute("aria-describedby", "new-text-error")

    new_todo.fill("Buy milk")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_have_text("Added “Buy milk”.")
    expect(page.locator(".todo .text")).to_have_text(["Buy milk"])
    expect(page.get_by_label("New todo")).to_have_value("")
    expect(page.locator("#new-text-error")).to_have_count(0)
    expect(page.locator(".summary")).to_have_text("1 open of 1")

    done = page.get_by_role("button", name="Done: Buy milk")
    expect(done).to_have_attribute("aria-pressed", "false")
    done.click()
    expect(page.get_by_role("button", name="Done: Buy milk")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".summary")).to_have_text("0 open of 1")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You have been logged out.")
    expect(page.locator(".signed-in")).to_have_count(0)
    page.reload()
    expect(page.get_by_text("You have been logged out.")).to_have_count(0)
    expect(page.locator(".signed-in")).to_have_count(0)
    page.goto(app.url + "/todos")
    expect(page).to_have_url(app.url + "/login?redirectTo=/todos")


def test_wrong_password_is_shown_beside_the_field(page: Page, page_js: bool, app: Server) -> None:
    email = unique_email()
    with html_client(app.url) as client:
        register(client, email)
    page.goto(app.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()

    error = page.locator("#password-error")
    expect(error).to_have_text("Incorrect email or password.")
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", "password-error")
    expect(page.get_by_label("Email")).to_have_value(email)
    if not page_js:
        expect(password).to_have_value("")  # the server never sends the password back
        # The failure came back through a 303 to the page; a reload shows the form anew.
        expect(page).to_have_url(app.url + "/login")
        page.reload()
        expect(page.locator("#password-error")).to_have_count(0)
        expect(page.get_by_label("Email")).to_have_value("")
    expect(page.locator(".signed-in")).to_have_count(0)

    page.get_by_label("Email").fill(email)
    password.fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    expect(page.locator("#password-error")).to_have_count(0)


def test_the_login_widget_brings_you_back(page: Page, app: Server) -> None:
    email = unique_email()
    with html_client(app.url) as client:
        register(client, email)
    page.goto(app.url + "/")
    widget = page.locator("form.login-widget")
    widget.get_by_label("Email").fill(email)
    widget.get_by_label("Password").fill(PASSWORD)
    widget.get_by_role("button", name="Log in").click()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    expect(page).to_have_url(app.url + "/")
    expect(page.locator("main")).to_contain_text("Your list is empty.")


def test_search_edit_and_delete(page: Page, app: Server) -> None:
    sign_in_browser(page, app.url)
    page.goto(app.url + "/todos")
    for text in ("Buy milk", "Call mom"):
        page.get_by_label("New todo").fill(text)
        page.get_by_role("button", name="Add").click()
        expect(page.get_by_role("status")).to_have_text(f"Added “{text}”.")

    page.get_by_role("searchbox", name="Search your todos").fill("milk")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(app.url + "/todos?q=milk")
    expect(page.locator(".todo .text")).to_have_text(["Buy milk"])

    page.get_by_text("Edit").click()
    editor = page.get_by_label("New text for “Buy milk”")
    editor.fill("Call MOM")
    page.get_by_role("button", name="Save").click()
    # Refused, with the message beside that todo's field, and the editor still open.
    expect(page.get_by_text("Another todo already says that.")).to_be_visible()
    expect(page.get_by_label("New text for “Buy milk”")).to_have_value("Call MOM")
    page.get_by_label("New text for “Buy milk”").fill("Buy oat milk")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".todo .text")).to_have_text(["Buy oat milk"])

    page.get_by_role("link", name="Show all").click()
    expect(page.locator(".todo .text")).to_have_text(["Buy oat milk", "Call mom"])
    page.get_by_role("button", name="Delete “Call mom”").click()
    expect(page.locator(".todo .text")).to_have_text(["Buy oat milk"])


def test_avatar_upload(page: Page, app: Server, tmp_path: Path) -> None:
    sign_in_browser(page, app.url)
    page.goto(app.url + "/account")
    fake = tmp_path / "me.png"
    fake.write_text("<script>alert(1)</script>")
    page.get_by_label("Picture").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#avatar-error")).to_contain_text("is not a PNG, JPEG, GIF or WebP")
    expect(page.get_by_label("Picture")).to_have_attribute("aria-invalid", "true")

    real = tmp_path / "real.png"
    real.write_bytes(png(8, 8))
    page.get_by_label("Picture").set_input_files(str(real))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("Your new picture is saved.")
    picture = page.get_by_role("img", name="Your profile picture")
    expect(picture).to_be_visible()
    # The browser could decode what the endpoint served.
    expect(picture).to_have_js_property("naturalWidth", 8)
    expect(page.locator("header img.avatar")).to_have_js_property("naturalWidth", 8)


def test_missing_email_is_shown_beside_the_field(page: Page, app: Server) -> None:
    page.goto(app.url + "/login")
    page.get_by_label("Password").fill("whatever it is")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#email-error")).to_have_text("Please enter your email address.")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".signed-in")).to_have_count(0)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_a_hostile_redirect_to_is_not_followed(page: Page, app: Server, target: str) -> None:
    from urllib.parse import quote

    email = unique_email()
    with html_client(app.url) as client:
        register(client, email)
    page.goto(app.url + "/login?redirectTo=" + quote(target, safe=""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    assert page.url.startswith(app.url)


def test_a_picture_that_is_too_big_is_refused(page: Page, app: Server, tmp_path: Path) -> None:
    sign_in_browser(page, app.url)
    page.goto(app.url + "/account")
    big = tmp_path / "big.png"
    big.write_bytes(png(8, 8) + b"\0" * (210 * 1024))
    page.get_by_label("Picture").set_input_files(str(big))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#avatar-error")).to_contain_text("is larger than 200 KB")
    expect(page.get_by_role("img", name="Your profile picture")).to_have_count(0)
