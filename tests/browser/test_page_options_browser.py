"""Page options in Chromium, JavaScript on and off: a `csr = False` page loads no script and
its form and links work natively; the folder `kite build` writes works on a plain static
file server, links, styles and runtime included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, Response, expect
from support import APPS
from support.building import copy_app, http_server_command, kite_build
from support.servers import Server, free_port, kite_command, running_server


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = copy_app(APPS / "page_options", tmp_path_factory.mktemp("page_options") / "app")
    result = kite_build(app, env={"RENDER_MARK": "build"})
    assert result.returncode == 0, result.stderr
    return app


@pytest.fixture(scope="module")
def kite(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("kite") / "server.log"
    command = kite_command(built, port=port)
    with running_server(command, port=port, log_path=log, env={"RENDER_MARK": "start"}) as s:
        yield s


@pytest.fixture(scope="module")
def static(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("static") / "server.log"
    with running_server(http_server_command(built / "build", port), port=port, log_path=log) as s:
        yield s


def scripts_requested(page: Page) -> list[str]:
    requested: list[str] = []

    def record(request: Request) -> None:
        if request.resource_type == "script":
            requested.append(request.url)

    page.on("request", record)
    return requested


def test_a_csr_false_page_loads_no_script_and_its_form_posts_natively(
    page: Page, kite: Server
) -> None:
    scripts = scripts_requested(page)
    page.goto(kite.url + "/plain")
    expect(page.locator("#greeting")).to_have_text("no JavaScript here")
    assert page.locator("script").count() == 0
    page.fill("#name", "Ada")
    # A real page load, not a fetch: the browser itself posts the form.
    with page.expect_navigation() as navigation:
        page.click("#send")
    response = navigation.value
    assert response is not None and response.request.method == "POST"
    expect(page.locator("#echo")).to_have_text("Ada")
    assert scripts == []


def test_a_page_with_csr_loads_the_runtime(js_page: Page, kite: Server) -> None:
    scripts = scripts_requested(js_page)
    js_page.goto(kite.url + "/quiet/loud")
    expect(js_page.locator("#title")).to_have_text("Loud")
    assert any("/_kite/" in url for url in scripts)


def test_a_link_from_an_enhanced_page_to_a_csr_false_page_loads_it_fully(
    js_page: Page, kite: Server
) -> None:
    js_page.goto(kite.url + "/")
    expect(js_page.locator("#title")).to_have_text("Home")
    # The runtime navigates client-side here; a full load forgets this.
    js_page.evaluate("window.stayedHere = true")
    with js_page.expect_navigation():
        js_page.click("#plain-link")
    expect(js_page.locator("#greeting")).to_have_text("no JavaScript here")
    assert js_page.evaluate("window.stayedHere") is None
    assert js_page.locator("script").count() == 0
    with js_page.expect_navigation():
        js_page.click("#plain-about-link")
    expect(js_page.locator("#title")).to_have_text("About")


def test_kite_start_serves_the_prerendered_page_in_the_browser(page: Page, kite: Server) -> None:
    page.goto(kite.url + "/about")
    expect(page.locator("#mark")).to_have_text("build")
    expect(page.locator("#title")).to_have_css("color", "rgb(0, 128, 0)")


def test_the_build_on_a_plain_static_server(page: Page, page_js: bool, static: Server) -> None:
    failures: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failures.append(f"{response.status} {response.url}")

    page.on("response", check)
    page.goto(static.url + "/about")
    expect(page.locator("#title")).to_have_text("About")
    expect(page.locator("#title")).to_have_css("color", "rgb(0, 128, 0)")  # static/style.css
    if page_js:
        page.wait_for_load_state("networkidle")
        page.evaluate("window.stayedHere = true")
    page.click("#blog-link")  # inside <nav data-kite-navigate>
    expect(page.locator("#title")).to_have_text("Blog")
    if page_js:
        # The runtime navigated client-side, through http.server's redirect to /blog/.
        assert page.evaluate("window.stayedHere") is True
    page.click("#post-second")  # reached by kite build through this very link
    expect(page.locator("#title")).to_have_text("The second post")
    expect(page.locator("#mark")).to_have_text("build")
    page.click("#back-link")
    expect(page.locator("#post-hello")).to_be_visible()
    assert failures == []
