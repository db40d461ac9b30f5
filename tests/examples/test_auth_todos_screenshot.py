"""The README's picture of the login page with a validation error, taken for real."""

from __future__ import annotations

from pathlib import Path

from auth_todos_helpers import APP, sqlite_env
from playwright.sync_api import Page, expect
from support.runtime import open_page
from support.servers import ServeApp

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "login-error.png"


def test_login_page_with_a_validation_error(
    js_page: Page, serve_app: ServeApp, tmp_path: Path
) -> None:
    app = serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))
    js_page.set_viewport_size({"width": 900, "height": 620})
    open_page(js_page, app.url + "/login")
    js_page.fill("#email", "ann@example.com")
    js_page.fill("#password", "not the password")
    js_page.click("button:text('Log in')")
    expect(js_page.locator("#password-error")).to_have_text("Incorrect email or password.")
    expect(js_page.locator("#email")).to_have_value("ann@example.com")
    expect(js_page.locator("#password")).to_have_attribute("aria-invalid", "true")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    js_page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 1000
