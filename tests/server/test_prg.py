"""Issue 21 item 1 over HTTP: post/redirect/get. A native submission is answered with a 303
to the page; the GET renders the result as `form`, once, from a sealed cookie; failures keep
their status; secrets never enter the cookie; too big falls back to rendering the POST."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.sansio.classify import TOKEN_HEADER

APP = APPS / "prg"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APP)


def browser(server: Server) -> httpx.Client:
    """A browser without JavaScript: keeps cookies, posts forms with Origin, and follows
    no redirect by itself (the tests follow them)."""
    return httpx.Client(
        base_url=server.url,
        headers={"origin": server.url, "accept": "text/html"},
        follow_redirects=False,
        trust_env=False,
    )


def text_of(response: httpx.Response, element: str) -> str | None:
    found = re.search(rf'<[a-z]+ id="{element}">(.*?)</', response.text, re.DOTALL)
    return found.group(1) if found else None


def prg_cookies(client: httpx.Client) -> list[str]:
    return [name for name in client.cookies if name.startswith("kite_prg_")]


def test_a_success_is_redirected_and_shown_once(app: Server) -> None:
    with browser(app) as client:
        runs = int(text_of(client.get("/"), "runs") or 0)
        response = client.post("/?/add", data={"count": "4"})
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert response.text == ""
        assert len(prg_cookies(client)) == 1
        page = client.get("/")
        assert page.status_code == 200
        assert text_of(page, "count") == "5"
        assert "<li>Added.</li>" in page.text  # the flash came along
        assert page.headers["cache-control"] == "no-store"
        assert prg_cookies(client) == []
        # A reload: a GET, the action does not run again, and the result is gone.
        again = client.get("/")
        assert text_of(again, "count") == "0"
        assert text_of(again, "runs") == str(runs + 1)


def test_the_action_key_is_stripped_and_the_query_kept(app: Server) -> None:
    with browser(app) as client:
        response = client.post("/?/add&tab=2", data={"count": "1"})
        assert response.headers["location"] == "/?tab=2"
        assert text_of(client.get("/"), "count") == "0"  # another URL: not its result
        assert text_of(client.get("/?tab=2"), "count") == "2"


def test_a_failure_keeps_its_status_on_the_get(app: Server) -> None:
    with browser(app) as client:
        response = client.post("/?/refuse", data={"x": "1"})
        assert response.status_code == 303
        page = client.get(response.headers["location"])
        assert page.status_code == 422
        assert text_of(page, "status") == "422"
        # The failure's `password` entry never went into the cookie.
        assert text_of(page, "message") == "Not today. "
        reloaded = client.get("/")
        assert reloaded.status_code == 200
        assert text_of(reloaded, "message") is None


def test_secret_fields_never_enter_the_cookie(app: Server) -> None:
    with browser(app) as client:
        response = client.post("/typed", data={"email": "ada@example.com", "secret_code": "x"})
        assert response.status_code == 303
        failed = client.get("/typed")
        assert failed.status_code == 400
        state = json.loads(text_of(failed, "form") or "null")
        assert state["values"] == {"email": "ada@example.com"}
        # The message about the secret field is the app's own text: it reaches the page.
        assert list(state["errors"]) == ["secret_code"]
        assert "at least 8 characters" in state["errors"]["secret_code"]
        response = client.post(
            "/typed", data={"email": "ada@example.com", "secret_code": "correct horse"}
        )
        assert response.status_code == 303
        shown = client.get("/typed")
        assert json.loads(text_of(shown, "form") or "null") == {"email": "ada@example.com"}
        assert "correct horse" not in shown.text


def test_a_result_too_big_for_a_cookie_is_rendered_in_the_post(app: Server) -> None:
    with browser(app) as client:
        response = client.post("/?/big", data={"x": "1"})
        assert response.status_code == 200
        assert text_of(response, "big") == "6000"
        assert prg_cookies(client) == []


def test_redirects_opt_outs_and_enhanced_submissions_are_unchanged(app: Server) -> None:
    with browser(app) as client:
        away = client.post("/?/away", data={"x": "1"})
        assert (away.status_code, away.headers["location"]) == (303, "/plain")
        assert prg_cookies(client) == []
        plain = client.post("/plain?/save", data={"x": "1"})
        assert plain.status_code == 200
        assert text_of(plain, "saved") == "saved"
        enhanced = client.post(
            "/?/add",
            data={"count": "1"},
            headers={
                "accept": "application/json",
                "x-sveltekit-action": "true",
                TOKEN_HEADER: "1",
            },
        )
        assert enhanced.status_code == 200
        assert enhanced.json()["type"] == "success"
        assert prg_cookies(client) == []


def test_a_forged_or_expired_cookie_is_ignored(app: Server) -> None:
    with browser(app) as client:
        client.post("/?/add", data={"count": "1"})
        (name,) = prg_cookies(client)
        forged = client.cookies[name][:-4] + "AAAA"
        client.cookies.clear()
        client.cookies.set(name, forged)
        page = client.get("/")
        assert page.status_code == 200
        assert text_of(page, "count") == "0"


def test_the_setting_and_the_page_name_are_checked(tmp_path: Path) -> None:
    (tmp_path / "kite.toml").write_text('post_redirect_get = "yes"\n')
    with pytest.raises(KiteError, match="'post_redirect_get' must be true or false"):
        load_settings(tmp_path)


def test_how_long_results_and_flashes_wait_is_a_setting(tmp_path: Path) -> None:
    assert (load_settings(tmp_path).result_max_age, load_settings(tmp_path).flash_max_age) == (
        60,
        600,
    )
    (tmp_path / "kite.toml").write_text("[cookies]\nresult_max_age = 30\nflash_max_age = 120\n")
    settings = load_settings(tmp_path)
    assert (settings.result_max_age, settings.flash_max_age) == (30, 120)
    (tmp_path / "kite.toml").write_text("[cookies]\nresult_max_age = -1\n")
    with pytest.raises(
        KiteError, match=re.escape("'cookies.result_max_age' must be a whole number")
    ):
        load_settings(tmp_path)
