"""The demo runs under a strict script policy (its kite.toml: `script-src 'self'` and
nothing else, nonces): using it with JavaScript on — register, a failed login, the todos,
the account page, logging out — reports no violation and no console error (issue 21 item 5).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from auth_todos_helpers import APP, PASSWORD, sqlite_env, unique_email
from playwright.sync_api import Page, expect
from support.csp import watch_policy
from support.runtime import mark_document, open_page, still_same_document
from support.servers import ServeApp, Server


@pytest.fixture
def app(serve_app: ServeApp, tmp_path: Path) -> Server:
    return serve_app(APP, env=sqlite_env(tmp_path / "app.sqlite3"))


def test_the_demo_sends_a_strict_policy_with_a_nonce(app: Server) -> None:
    response = app.client.get("/login")
    policy = response.headers["content-security-policy"]
    (nonce,) = set(re.findall(r'nonce="([^"]+)"', response.text))
    scripts = re.findall(r"\bscript-src ([^;]*)", policy)
    assert scripts == [f"'self' 'nonce-{nonce}'"]
    assert "unsafe-inline" not in policy.split("style-src")[0]


def test_using_the_demo_with_javascript_reports_no_violation(js_page: Page, app: Server) -> None:
    problems = watch_policy(js_page)
    email = unique_email()
    open_page(js_page, app.url + "/login")
    mark_document(js_page)
    js_page.get_by_label("Email").fill(email)
    js_page.get_by_label("Password").fill("wrong")
    js_page.get_by_role("button", name="Log in").click()
    expect(js_page.locator("#password-error")).to_have_text("Incorrect email or password.")
    js_page.get_by_label("Password").fill(PASSWORD)
    js_page.get_by_role("button", name="Register").click()
    expect(js_page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")

    js_page.get_by_role("link", name="Todos", exact=True).click()
    expect(js_page.get_by_role("heading", name="Your todos")).to_be_visible()
    js_page.get_by_label("New todo").fill("Buy milk")
    js_page.get_by_role("button", name="Add").click()
    expect(js_page.locator(".todo .text")).to_have_text(["Buy milk"])
    js_page.get_by_role("button", name="Done: Buy milk").click()
    expect(js_page.locator(".summary")).to_have_text("0 open of 1")
    assert still_same_document(js_page)

    open_page(js_page, app.url + "/account")
    js_page.get_by_role("button", name="Log out").click()
    expect(js_page).to_have_url(app.url + "/login")
    expect(js_page.locator(".signed-in")).to_have_count(0)
    assert problems == []
