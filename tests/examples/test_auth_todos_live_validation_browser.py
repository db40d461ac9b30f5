"""examples/auth-todos: the register form and the new-todo form validate as they are filled in
(`data-validate`), in Chromium; with JavaScript off they behave as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from auth_todos_helpers import (
    APP,
    PASSWORD,
    html_client,
    register,
    sign_in_browser,
    sqlite_env,
    unique_email,
)
from playwright.sync_api import Browser, Page, expect
from support.runtime import open_page
from support.servers import ServeApp, Server

TAKEN = "There is already an account with this email. Log in instead."


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("auth-todos-live") / "app.sqlite3"


@pytest.fixture
def app(served_app: ServeApp, db_path: Path) -> Server:
    return served_app(APP, env=sqlite_env(db_path))


def users(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        count: int = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    return count


def test_register_says_what_is_wrong_before_it_is_sent(
    js_page: Page, app: Server, db_path: Path
) -> None:
    taken = unique_email("taken")
    with html_client(app.url) as client:
        assert register(client, taken).status_code == 200
    before = users(db_path)

    open_page(js_page, app.url + "/register")
    js_page.wait_for_selector("form#register[novalidate]", state="attached")
    email = js_page.locator("#email")
    email.fill("ada@")
    email.press("Tab")
    error = js_page.locator("#email-error")
    expect(error).to_have_text("That does not look like an email address.")
    expect(email).to_have_attribute("aria-invalid", "true")
    email.fill("ada@example.com")
    expect(js_page.locator("#email-error")).to_have_count(0)
    expect(email).not_to_have_attribute("aria-invalid", "true")

    email.fill(taken)
    expect(js_page.locator("#email-error")).to_have_text(TAKEN)
    password = js_page.locator("#password")
    password.fill("short")
    password.press("Tab")
    expect(js_page.locator("#password-error")).to_have_text("Use at least 8 characters.")
    expect(password).to_have_attribute("aria-describedby", "password-hint password-error")
    # Asked, never registered: the database has no new account.
    assert users(db_path) == before

    email.fill(unique_email("new"))
    password.fill(PASSWORD)
    expect(js_page.locator(".kite-field-error")).to_have_count(0)
    js_page.get_by_role("button", name="Create an account").click()
    expect(js_page.locator(".notice")).to_contain_text("Welcome! Your account is ready.")
    assert users(db_path) == before + 1


def test_register_without_javascript_is_unchanged(
    browser: Browser, app: Server, db_path: Path
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        _register_natively(context.new_page(), app, db_path)
    finally:
        context.close()


def _register_natively(page: Page, app: Server, db_path: Path) -> None:
    page.goto(app.url + "/register")
    page.locator("#email").fill("ada@")
    page.locator("#email").press("Tab")
    expect(page.locator(".kite-field-error")).to_have_count(0)
    page.get_by_role("button", name="Create an account").click()
    expect(page.locator("#email-error")).to_have_text("That does not look like an email address.")
    before = users(db_path)
    page.locator("#email").fill(unique_email())
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    expect(page.locator(".notice")).to_contain_text("Welcome! Your account is ready.")
    assert users(db_path) == before + 1


def test_a_duplicate_todo_is_pointed_out_while_typing(js_page: Page, app: Server) -> None:
    sign_in_browser(js_page, app.url)
    open_page(js_page, app.url + "/todos")
    js_page.wait_for_selector("form.new-todo[novalidate]", state="attached")
    field = js_page.get_by_label("New todo")
    field.fill("Buy milk")
    js_page.get_by_role("button", name="Add").click()
    expect(js_page.locator(".notice")).to_contain_text("Added")
    field.fill("buy  MILK")
    field.press("Tab")
    expect(js_page.locator("#new-text-error")).to_have_text("That is already on your list.")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("buy bread")
    expect(js_page.locator("#new-text-error")).to_have_count(0)
    expect(js_page.locator("ul li")).to_have_count(1)
