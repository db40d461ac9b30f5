"""The demo's flash messages (issue 21 item 2) in Chromium, JavaScript on and off: register,
log out and log in each say so once, on the page shown next — with JavaScript in place,
without a page load; the widget's login redirects, and the message comes along."""

from __future__ import annotations

from pathlib import Path

import pytest
from auth_todos_helpers import APP, PASSWORD, html_client, register, sqlite_env, unique_email
from playwright.sync_api import Page, expect
from support.runtime import mark_document, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(serve_app: ServeApp, tmp_path: Path) -> Server:
    return serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))


def start(page: Page, url: str, page_js: bool) -> None:
    page.goto(url)
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
        mark_document(page)


def test_register_logout_and_login_flash_once(page: Page, page_js: bool, app: Server) -> None:
    email = unique_email()
    flashes = page.locator(".flashes li")
    start(page, app.url + "/login", page_js)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(flashes).to_have_text(["Your account is ready."])
    expect(page.locator(".flash-success")).to_have_count(1)

    page.get_by_role("button", name="Log out").click()
    expect(flashes).to_have_text(["See you soon."])
    page.get_by_role("link", name="Kite todos").click()
    expect(page).to_have_url(app.url + "/")
    expect(flashes).to_have_count(0)

    # The layout's widget: the action redirects (303) to this page, the message follows.
    widget = page.locator("form.login-widget")
    widget.get_by_label("Email").fill(email)
    widget.get_by_label("Password").fill(PASSWORD)
    widget.get_by_role("button", name="Log in").click()
    expect(page.locator(".signed-in")).to_contain_text(email)
    expect(flashes).to_have_text([f"Welcome back, {email}."])
    if page_js:
        assert still_same_document(page)
    page.reload()
    expect(page.locator(".signed-in")).to_contain_text(email)
    expect(flashes).to_have_count(0)


def test_the_message_is_in_the_cookie_not_on_the_server(app: Server) -> None:
    email = unique_email()
    with html_client(app.url) as client:
        registered = register(client, email)
        # The message travels on the 303 and is shown, and deleted, by the page after it.
        assert "kite_flash=" in " ".join(registered.history[0].headers.get_list("set-cookie"))
        assert "Your account is ready." in registered.text
        assert "kite_flash" not in client.cookies
        response = client.post(
            "/login?/login&redirectTo=/todos", data={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 303
        sealed = client.cookies["kite_flash"]
        assert email not in sealed
    # Another browser with that cookie (another worker, another instance) shows it.
    with html_client(app.url) as other:
        other.cookies.set("kite_flash", sealed)
        assert f"Welcome back, {email}." in other.get("/").text
