"""Issue 21 item 2 over HTTP: `event.flash(...)` from actions, loads, hooks and endpoints;
`flashes` on the next page that browser renders (after a redirect, or in the same
response), exactly once, carried by a sealed cookie and nothing kept on the server."""

from __future__ import annotations

import re

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.sansio.classify import TOKEN_HEADER

APP = APPS / "flash"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APP)


def browser(server: Server) -> httpx.Client:
    """A browser without JavaScript: it keeps cookies and posts forms with Origin."""
    return httpx.Client(
        base_url=server.url,
        headers={"origin": server.url, "accept": "text/html"},
        follow_redirects=False,
        trust_env=False,
    )


def post(client: httpx.Client, url: str, **headers: str) -> httpx.Response:
    """A form whose only field is its button: an empty form body."""
    headers = {"content-type": "application/x-www-form-urlencoded", **headers}
    return client.post(url, content=b"", headers=headers)


def shown(response: httpx.Response | str) -> list[str]:
    text = response if isinstance(response, str) else response.text
    listed = re.search(r'<ul id="flashes">(.*?)</ul>', text, re.DOTALL)
    assert listed is not None, text
    items = re.findall(r'<li class="([^"]*)">([^<]*)</li>', listed.group(1))
    return [f"{category}: {message}" for category, message in items]


def test_a_flash_survives_the_redirect_and_is_shown_once(app: Server) -> None:
    with browser(app) as client:
        response = post(client, "/?/go")
        assert response.status_code == 303
        cookie = client.cookies["kite_flash"]
        assert "Went" not in cookie  # sealed: not readable
        page = client.get("/next")
        assert shown(page) == ["info: Went to the next page."]
        assert "kite_flash" not in client.cookies  # taken out of the cookie
        assert shown(client.get("/next")) == []
        assert shown(client.get("/")) == []


def test_without_a_redirect_the_flash_is_shown_in_the_same_response(app: Server) -> None:
    with browser(app) as client:
        response = post(client, "/?/save")
        assert response.status_code == 200
        assert shown(response) == ["success: Saved."]
        assert "kite_flash" not in response.headers.get("set-cookie", "")
        assert shown(client.get("/")) == []
        failed = post(client, "/?/refuse")
        assert failed.status_code == 400
        assert shown(failed) == ["error: Not saved."]


def test_loads_endpoints_and_hooks_flash_too(app: Server) -> None:
    with browser(app) as client:
        assert shown(client.get("/?greet=1")) == ["info: Hello from the load."]
        assert client.post("/api/ping", headers={"accept": "application/json"}).json() == {
            "ok": True
        }
        # The waiting messages first, then this request's own.
        assert shown(client.get("/next?hook=before")) == [
            "info: Pinged.",
            "hook: From the hook.",
        ]
        assert shown(client.get("/next")) == []
        # Added after the page was rendered: it waits for the next page.
        assert shown(client.get("/next?hook=after")) == []
        assert shown(client.get("/next")) == ["hook: After the page."]
        assert shown(client.get("/next")) == []


def test_an_enhanced_result_carries_the_flash_in_its_page(app: Server) -> None:
    with browser(app) as client:
        headers = {"x-sveltekit-action": "true", "accept": "application/json"}
        response = post(client, "/?/save", **headers, **{TOKEN_HEADER: "1"})
        assert response.status_code == 200
        assert shown(response.json()["kite"]["document"]) == ["success: Saved."]
        assert shown(client.get("/")) == []


def test_a_forged_or_foreign_cookie_is_ignored(app: Server) -> None:
    with browser(app) as client:
        client.cookies.set("kite_flash", "AAAA" + "x" * 40)
        page = client.get("/next")
        assert page.status_code == 200
        assert shown(page) == []


def test_a_flash_sealed_before_the_secret_changed_still_shows(
    serve_app: ServeApp,
) -> None:
    old = serve_app(APP, env={"KITE_SECRET": "old secret"})
    new = serve_app(APP, env={"KITE_SECRET": "new secret", "KITE_SECRET_FALLBACKS": "old secret"})
    other = serve_app(APP, env={"KITE_SECRET": "someone else's"})
    with browser(old) as client:
        post(client, "/?/go")
        cookie = client.cookies["kite_flash"]
    for server, expected in ((other, []), (new, ["info: Went to the next page."])):
        with browser(server) as client:
            client.cookies.set("kite_flash", cookie)
            assert shown(client.get("/next")) == expected
