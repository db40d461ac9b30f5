"""The demo's login rate limit in a real browser, JavaScript on and off: the sixth wrong
password within a minute shows "Too many attempts" — beside the form with JavaScript (a 429
failure), as the error page without."""

from __future__ import annotations

import re
from pathlib import Path

from auth_todos_helpers import APP, sqlite_env, unique_email
from playwright.sync_api import Page, expect
from support.servers import ServeApp

WRONG = "not the password"


def test_the_sixth_wrong_password(
    page: Page, page_js: bool, serve_app: ServeApp, tmp_path: Path
) -> None:
    server = serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))
    email = unique_email()
    page.goto(server.url + "/login")

    def attempt() -> int:
        page.fill("#email", email)
        page.fill("#password", WRONG)
        if page_js:
            with page.expect_response(re.compile(r"/login\?/login$")) as info:
                page.click("#login button:not(.secondary)")
            return info.value.status
        # Without JavaScript a checked password is answered with a 303 back to /login (post/
        # redirect/get): the status the person gets is that of the page the browser lands on.
        with page.expect_navigation() as navigation:
            page.click("#login button:not(.secondary)")
        response = navigation.value
        assert response is not None
        if response.status != 429:
            assert response.request.redirected_from is not None
            assert response.url == server.url + "/login"
        return response.status

    for _ in range(5):
        assert attempt() == 400
        expect(page.locator("#password-error")).to_have_text("Incorrect email or password.")
    assert attempt() == 429
    if page_js:
        expect(page.locator("#rate-limited")).to_contain_text(
            "Too many attempts. Please try again in"
        )
        # Still the login page, its form ready for later.
        expect(page.locator("#login")).to_be_visible()
    else:
        expect(page.locator("h1")).to_have_text("Too many attempts")
        expect(page.get_by_role("link", name="try again")).to_have_attribute("href", "/login")
