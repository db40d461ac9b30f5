"""docs/tutorial.md, replayed: every step applied to a fresh `kite new` app, then checked.

After each step a real server (`kite start`) serves the app and that step's checks run over
HTTP: what the step's "Try it" says a reader will see. Step 8's custom `enhance` is checked
in Chromium too. The finished app's forms then run in Chromium with JavaScript on and off,
and its own tests (the ones `kite new` wrote) pass against it. How the tutorial's blocks are
read: see tutorial_replay.py.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from support.runtime import mark_document, open_page, still_same_document
from support.servers import ServeApp, Server, free_port, kite_command, running_server
from tutorial_replay import (
    TUTORIAL,
    Step,
    apply,
    command_environment,
    quoted_files,
    read_section,
    read_steps,
)

from kite.scaffold import template_root

# The user that step 1 creates from the terminal.
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery staple"
HTML = {"Accept": "text/html"}
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass
class Site:
    """The app of one step, served; `client` keeps its own cookies."""

    server: Server
    client: httpx.Client
    app: Path

    def post(
        self, path: str, data: dict[str, str], headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """A form post as a browser sends it; without JavaScript unless `headers` say else."""
        headers = HTML if headers is None else headers
        return self.client.post(path, data=data, headers={**headers, "Origin": self.server.url})

    def log_in(self, query: str = "", password: str = PASSWORD) -> httpx.Response:
        return self.post(f"/login?/login{query}", {"email": EMAIL, "password": password})

    def register(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/login?/register", {"email": email, "password": password})

    def log_out(self) -> httpx.Response:
        # What a browser sends for a form with no fields: an empty urlencoded body.
        headers = {**HTML, "Origin": self.server.url, "Content-Type": FORM_TYPE}
        return self.client.post("/login?/logout", content=b"", headers=headers)


def new_email() -> str:
    return f"reader-{uuid.uuid4().hex[:8]}@example.com"


def signed_in_as(text: str, email: str = EMAIL) -> bool:
    return f"Signed in as <strong>{email}</strong>" in text


# --- what each step says the reader will see --------------------------------------------


def step_0(site: Site, browser: Browser) -> None:
    home = site.client.get("/")
    assert home.status_code == 200
    assert "<h1>Guestbook</h1>" in home.text
    assert site.client.get("/login").status_code == 404
    # Nothing in the page posts to the login page that is gone.
    assert "/login?/logout" not in (site.app / "src/routes/+layout.html").read_text()


def step_1(site: Site, browser: Browser) -> None:
    page = site.client.get("/login")
    assert page.status_code == 200
    assert '<form method="POST">' in page.text
    # The default action: a form without ?/name posts to the page's own URL.
    wrong = site.post("/login", {"email": EMAIL, "password": "wrong password"})
    assert wrong.status_code == 200
    assert "set-cookie" not in wrong.headers
    response = site.post("/login", {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["set-cookie"].startswith("sessionid=")
    # The answer's header does not know yet (step 6); the next page does.
    assert not signed_in_as(response.text)
    assert signed_in_as(site.client.get("/").text)


def step_2(site: Site, browser: Browser) -> None:
    email = new_email()
    registered = site.register(email)
    assert registered.status_code == 200
    assert registered.headers["set-cookie"].startswith("sessionid=")
    home = site.client.get("/")
    assert signed_in_as(home.text, email)
    assert 'action="/login?/logout"' in home.text
    logged_out = site.log_out()
    assert logged_out.status_code == 303
    assert logged_out.headers["location"] == "/"
    assert "Max-Age=0" in logged_out.headers["set-cookie"]
    assert "Signed in as" not in site.client.get("/").text
    for email_taken_or_short in (site.register(EMAIL), site.register(new_email(), "short")):
        assert email_taken_or_short.status_code == 200
        assert "set-cookie" not in email_taken_or_short.headers
    assert site.log_in().headers["set-cookie"].startswith("sessionid=")


def step_3(site: Site, browser: Browser) -> None:
    assert "Welcome back!" in site.log_in().text
    site.client.cookies.clear()
    registered = site.register(new_email())
    assert "Welcome! Your account is ready." in registered.text
    assert "Welcome back!" not in registered.text
    site.client.cookies.clear()
    wrong = site.log_in(password="wrong password")
    assert wrong.status_code == 200
    assert "Welcome" not in wrong.text


def expect_error(response: httpx.Response, field: str, message: str) -> None:
    """A 400 whose message is beside `field`, which points at it."""
    assert response.status_code == 400, response.text
    assert message in response.text
    message_id = f"{field}-error" if f'id="{field}-error"' in response.text else "login-error"
    assert f'<p id="{message_id}" class="error">' in response.text
    assert f'aria-invalid="true" aria-describedby="{message_id}"' in response.text


def step_4(site: Site, browser: Browser) -> None:
    missing = site.post("/login?/login", {"email": " ", "password": "x"})
    expect_error(missing, "email", "Please enter your email address.")
    wrong = site.log_in(password="wrong password 123")
    expect_error(wrong, "email", "Incorrect email or password.")
    assert f'value="{EMAIL}"' in wrong.text
    assert "wrong password 123" not in wrong.text
    expect_error(site.register(EMAIL), "email", "There is already an account with this email.")
    expect_error(site.register(new_email(), ""), "password", "Please enter a password.")
    expect_error(site.register(new_email(), "short"), "password", "Use at least 8 characters.")
    assert "set-cookie" not in wrong.headers
    assert site.log_in().status_code == 200


def step_5(site: Site, browser: Browser) -> None:
    followed = site.log_in(query="&redirectTo=%2F")
    assert followed.status_code == 303
    assert followed.headers["location"] == "/"
    assert followed.headers["set-cookie"].startswith("sessionid=")
    site.client.cookies.clear()
    ignored = site.log_in(query="&redirectTo=" + quote("//evil.example", safe=""))
    assert ignored.status_code == 200
    assert "location" not in ignored.headers
    site.client.cookies.clear()
    page = site.client.get("/login?redirectTo=/")
    assert 'action="?/login&amp;redirectTo=/"' in page.text
    assert 'formaction="?/register&amp;redirectTo=/"' in page.text


def step_6(site: Site, browser: Browser) -> None:
    response = site.log_in()
    assert "Welcome back!" in response.text
    assert signed_in_as(response.text)
    assert 'action="?/login' not in response.text
    assert f"You are signed in as <strong>{EMAIL}</strong>" in site.client.get("/login").text


def step_7(site: Site, browser: Browser) -> None:
    routes = site.app / "src" / "routes"
    scaffold = template_root() / "src" / "routes"
    for ours, theirs in [
        (routes / "login" / "+page.html", scaffold / "login" / "+page.html"),
        (routes / "login" / "+page.server.py", scaffold / "login" / "+page.server.py-tpl"),
        (routes / "+layout.html", scaffold / "+layout.html"),
    ]:
        assert ours.read_text() == theirs.read_text(), f"{ours} is not what kite new writes"
    # The curl of the step, and the answer it shows.
    console = tutorial_step(7).blocks_in("console")[0].text.splitlines()
    shown = console[-1]
    answer = site.post("/login?/login", {"email": EMAIL, "password": "wrong"}, {})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.text == shown
    assert json.loads(answer.text)["type"] == "failure"
    login = site.client.get("/login").text
    assert 'action="?/login" data-enhance>' in login


def step_8(site: Site, browser: Browser) -> None:
    # The guestbook uses post/redirect/get (kite new writes it so): a 303 back to the page.
    native = site.post("/", {"message": "Step eight"})
    assert (native.status_code, native.headers["location"]) == (303, "/")
    assert "Step eight" in site.client.get("/").text
    # With JavaScript: after a success the caret is back in the field (data-enhance alone
    # would move focus to the top of the page), and there was no page load.
    context = browser.new_context()
    try:
        page = context.new_page()
        open_page(page, site.server.url + "/")
        mark_document(page)
        page.get_by_role("button", name="Sign the guestbook").click()
        expect(page.locator("#message-error")).to_have_text("Please write a message.")
        expect(page.locator("#message")).to_be_focused()
        page.get_by_label("Your message").fill("Enhanced by hand")
        page.get_by_role("button", name="Sign the guestbook").click()
        expect(page.locator(".messages")).to_contain_text("Enhanced by hand")
        expect(page.locator("#message")).to_have_value("")
        expect(page.locator("#message")).to_be_focused()
        expect(page.get_by_role("button", name="Sign the guestbook")).to_be_enabled()
        assert still_same_document(page)
    finally:
        context.close()


def step_9(site: Site, browser: Browser) -> None:
    home = site.client.get("/").text
    assert '<form id="guestbook" method="POST">' in home
    answer = site.post("/", {"message": "Step nine"}, {"x-sveltekit-action": "true"})
    assert answer.status_code == 200
    assert answer.json()["type"] == "success"
    assert "Step nine" in site.client.get("/").text


def step_10(site: Site, browser: Browser) -> None:
    site.post("/", {"message": "Hello from step ten"})
    site.post("/", {"message": "100% different"})
    found = site.client.get("/?q=HELLO").text
    assert "Hello from step ten" in found
    assert "100% different" not in found
    assert 'value="HELLO"' in found
    # LIKE would take % for "anything"; the search takes it literally.
    assert "Hello from step ten" not in site.client.get("/?q=%25").text
    assert "No message contains “nothing like it”." in site.client.get("/?q=nothing+like+it").text
    # The guestbook form posts to the page's URL, search included.
    redirected = site.post("/?q=hello", {"message": "hello again"})
    assert redirected.headers["location"] == "/?q=hello"
    posted = site.client.get(redirected.headers["location"])
    assert "hello again" in posted.text
    assert "100% different" not in posted.text


CHECKS: dict[int, Callable[[Site, Browser], None]] = {
    0: step_0,
    1: step_1,
    2: step_2,
    3: step_3,
    4: step_4,
    5: step_5,
    6: step_6,
    7: step_7,
    8: step_8,
    9: step_9,
    10: step_10,
}


# --- the replay --------------------------------------------------------------------------


def tutorial_steps() -> list[Step]:
    return read_steps(TUTORIAL.read_text(encoding="utf-8"))


def tutorial_step(number: int) -> Step:
    return next(step for step in tutorial_steps() if step.number == number)


@dataclass
class Replayed:
    app: Path
    steps: list[int]


def serve(app: Path, database: Path, log_dir: Path) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    return running_server(
        kite_command(app, port=port),
        port=port,
        log_path=log_dir / f"server-{port}.log",
        env={"DATABASE_PATH": str(database)},
    )


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Replayed:
    root = tmp_path_factory.mktemp("tutorial")
    database = root / "tutorial.sqlite3"
    env = command_environment(database)
    cwd = root
    done: list[int] = []
    for step in tutorial_steps():
        paths = [block.path for block in step.blocks if block.path is not None]
        existed = {path: (cwd / path).exists() for path in paths}
        cwd = apply(step, cwd, env)
        if step.number == 0:
            # Its commands make the app first; then it changes a file of kite new's.
            existed = {path: (cwd / path).exists() for path in paths}
        written = {path: not before for path, before in existed.items()}
        assert step.announced == written, f"step {step.number}'s Files line: {written}"
        for path, code in quoted_files(step):
            assert code in (cwd / path).read_text(), f"step {step.number} quotes {path} wrongly"
        with (
            serve(cwd, database, root) as server,
            httpx.Client(base_url=server.url, follow_redirects=False, trust_env=False) as client,
        ):
            check = CHECKS.get(step.number)
            assert check is not None, f"step {step.number} ({step.title}) has no checks here"
            try:
                check(Site(server, client, cwd), browser)
            except AssertionError as failure:
                raise AssertionError(f"step {step.number} ({step.title}): {failure}") from failure
        done.append(step.number)
    return Replayed(app=cwd, steps=done)


def test_every_step_of_the_tutorial_runs_and_is_checked(replayed: Replayed) -> None:
    assert replayed.app.name == "myapp"
    assert replayed.steps == sorted(CHECKS)


def test_the_finished_apps_own_tests_pass(replayed: Replayed) -> None:
    """The tests `kite new` wrote still pass: the tutorial agrees with the scaffold."""
    # As the reader runs them: `pytest` in the app's folder, with the app's configuration.
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    env = command_environment(replayed.app.parent / "unused.sqlite3")
    del env["DATABASE_PATH"]
    result = subprocess.run(
        command, cwd=replayed.app, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_test_in_testing_it_passes(replayed: Replayed) -> None:
    section = read_section(TUTORIAL.read_text(encoding="utf-8"), "Testing it")
    assert [block.path for block in section.blocks] == ["tests/test_search.py", None]
    # Its `pytest` runs every test of the app, the new one included.
    apply(section, replayed.app, command_environment(replayed.app.parent / "unused.sqlite3"))
    assert (replayed.app / "tests" / "test_search.py").exists()


# --- the finished app in a browser, JavaScript on and off ---------------------------------


@pytest.fixture(scope="module")
def finished(served_app: ServeApp, replayed: Replayed) -> Server:
    return served_app(replayed.app, env={"DATABASE_PATH": str(replayed.app.parent / "b.sqlite3")})


def test_log_in_register_and_log_out(page: Page, page_js: bool, finished: Server) -> None:
    email = new_email()
    open_marked(page, page_js, finished.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#password-error")).to_have_text("Use at least 8 characters.")
    expect(page.get_by_label("Email")).to_have_value(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_have_text("Welcome! Your account is ready.")
    expect(page.get_by_role("navigation")).to_contain_text(f"Signed in as {email}")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(finished.url + "/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    if page_js:
        # The Log out button's redirect was followed without a page load.
        assert still_same_document(page)
    # A link is a page load (the app has no data-kite-navigate).
    page.get_by_role("link", name="Log in").click()
    expect(page).to_have_url(finished.url + "/login")
    if page_js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
        mark_document(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_have_text("Incorrect email or password.")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_have_text("Welcome back!")
    expect(page.get_by_role("navigation")).to_contain_text(f"Signed in as {email}")
    if page_js:
        assert still_same_document(page)


def test_the_guestbook_and_its_search(page: Page, page_js: bool, finished: Server) -> None:
    word = uuid.uuid4().hex[:8]
    open_marked(page, page_js, finished.url + "/")
    page.get_by_role("button", name="Sign the guestbook").click()
    expect(page.locator("#message-error")).to_have_text("Please write a message.")
    for message in (f"first {word}", "second message"):
        page.get_by_label("Your message").fill(message)
        page.get_by_role("button", name="Sign the guestbook").click()
        expect(page.get_by_role("status")).to_have_text("Thank you! Your message is below.")
        expect(page.locator(".messages")).to_contain_text(message)

    page.get_by_label("Search the messages").fill(word.upper())
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{finished.url}/?q={word.upper()}")
    expect(page.locator(".messages")).to_contain_text(f"first {word}")
    expect(page.locator(".messages")).not_to_contain_text("second message")
    page.go_back()
    expect(page.locator(".messages")).to_contain_text("second message")
    if page_js:
        assert still_same_document(page)


def open_marked(page: Page, page_js: bool, url: str) -> None:
    """Open `url`; with JavaScript, wait for the runtime and mark the document."""
    if page_js:
        open_page(page, url)
        mark_document(page)
    else:
        page.goto(url)
