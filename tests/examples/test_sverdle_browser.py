"""examples/sverdle in Chromium, with JavaScript on and off.

Without JavaScript every key is a native form post and the page reloads; with it, the page
script enhances the same form (a custom `enhance` callback) and lets the physical keyboard
press the on-screen keys. What the player sees is the same either way; what only one mode
can do (the physical keyboard, fast typing) runs with JavaScript only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Locator, Page, Request, expect
from support.servers import ServeApp, Server
from sverdle_helpers import (
    ANSWER,
    APP,
    ENV,
    NOT_A_WORD,
    WRONG,
    expect_rows,
    game_cookie,
    typed_row,
)

SCORED_HATER = "h:exact a:close t:close e:close r:close"
WON = " ".join(f"{letter}:exact" for letter in ANSWER)


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APP, env=ENV)


@pytest.fixture
def game(page: Page, page_js: bool, app: Server) -> Page:
    """The game's page, open (and, with JavaScript, enhanced)."""
    open_game(page, app, js=page_js)
    return page


# Counts the shakes that began, in the page: with JavaScript the `shake` class is taken off
# when the animation ends, so it may come and go between two looks at the page.
COUNT_SHAKES = """
window.shakes = 0;
document.addEventListener("animationstart", (event) => {
    if (event.animationName === "wiggle") window.shakes += 1;
}, true);
"""
SHAKE = re.compile(r"\bshake\b")


def open_game(page: Page, app: Server, *, js: bool) -> None:
    if js:
        page.add_init_script(COUNT_SHAKES)
    page.goto(app.url + "/sverdle")
    if js:
        page.wait_for_selector("html[data-kite-ready]", state="attached")
    expect(page.get_by_role("heading", name="Sverdle", exact=True)).to_be_attached()


def expect_a_shake(page: Page, js: bool, shakes_before: int = 0) -> None:
    if js:
        page.wait_for_function(f"window.shakes > {shakes_before}")
    else:
        # The page the server sent after the failure has the class, and nothing removes it.
        expect(page.locator("#game .grid")).to_have_class(SHAKE)


def key(page: Page, name: str) -> Locator:
    return page.locator(f'#game [data-key="{name}"]')


def click_word(page: Page, word: str, row: int = 0, start: str = "") -> None:
    """Type `word` on the on-screen keyboard, one key at a time, each shown before the next."""
    typed = start
    for letter in word:
        key(page, letter).click()
        typed += letter
        expect_rows(page, {row: typed_row(typed)})


def test_a_game_won_with_the_on_screen_keyboard(game: Page) -> None:
    page = game
    expect(key(page, "enter")).to_be_disabled()
    click_word(page, "hater")
    expect(key(page, "enter")).to_be_enabled()
    expect(key(page, "q")).to_be_disabled()
    key(page, "enter").click()
    expect_rows(page, {0: SCORED_HATER, 1: typed_row("")})
    expect(key(page, "h")).to_have_class("exact")
    expect(key(page, "a")).to_have_attribute("aria-label", "a present")

    click_word(page, ANSWER, row=1)
    key(page, "enter").click()
    expect_rows(page, {1: WON})
    again = page.get_by_role("button", name="you won :) play again?")
    expect(again).to_be_visible()
    expect(page.locator(".keyboard")).to_have_count(0)

    again.click()
    expect_rows(page, dict.fromkeys(range(6), typed_row("")))
    expect(key(page, "q")).to_be_enabled()


def test_a_game_lost(page: Page, page_js: bool, app: Server) -> None:
    cookie = {"name": "sverdle", "value": game_cookie(WRONG[:5]), "url": app.url}
    page.context.add_cookies([cookie])  # type: ignore[list-item]
    open_game(page, app, js=page_js)
    expect(page.locator(".grid .row.current")).to_have_count(1)
    click_word(page, WRONG[5], row=5)
    key(page, "enter").click()
    expect(page.get_by_text(f"the answer was “{ANSWER}”")).to_be_visible()
    again = page.get_by_role("button", name="game over :( play again?")
    again.click()
    expect_rows(page, dict.fromkeys(range(6), typed_row("")))
    expect(page.get_by_text("the answer was")).to_have_count(0)


def test_a_word_that_is_not_allowed_shakes_and_keeps_the_letters(game: Page, page_js: bool) -> None:
    page = game
    click_word(page, NOT_A_WORD)
    key(page, "enter").click()
    grid = page.locator("#game .grid")
    expect_a_shake(page, page_js)
    expect(page.get_by_role("status")).to_have_text(f"“{NOT_A_WORD}” is not in the word list")
    expect_rows(page, {0: typed_row(NOT_A_WORD)})
    expect(page.locator(".grid .row").first).to_have_class(re.compile(r"\bcurrent\b"))

    # Fixed with backspace, entered again: the guess was not used up.
    for remaining in ("qwer", "qwe", "qw", "q", ""):
        key(page, "backspace").click()
        expect_rows(page, {0: typed_row(remaining)})
    expect(page.get_by_role("status")).to_have_text("")
    expect(grid).not_to_have_class(SHAKE)
    click_word(page, "hater")
    key(page, "enter").click()
    expect_rows(page, {0: SCORED_HATER})


def test_keyboard_only_with_space_and_enter_on_the_on_screen_keys(game: Page) -> None:
    page = game
    typed = ""
    for letter in "hater":
        key(page, letter).focus()
        page.keyboard.press("Space")
        typed += letter
        expect_rows(page, {0: typed_row(typed)})
    key(page, "enter").focus()
    page.keyboard.press("Enter")
    expect_rows(page, {0: SCORED_HATER})


def test_reload_and_back_and_forward(game: Page, page_js: bool, app: Server) -> None:
    page = game
    click_word(page, "ho")
    if page_js:
        expect(page).to_have_url(app.url + "/sverdle")
        page.reload()
    else:
        # A native post leaves the browser at /sverdle?/update, whose reload would post the
        # key again (as in SvelteKit's original): come back to the game's address instead.
        expect(page).to_have_url(app.url + "/sverdle?/update")
        page.goto(app.url + "/sverdle")
    expect_rows(page, {0: typed_row("ho")})

    page.get_by_role("link", name="How to play").first.click()
    expect(page.get_by_role("heading", name="How to play Sverdle")).to_be_visible()
    expect(page).to_have_url(app.url + "/sverdle/how-to-play")
    page.go_back()
    expect(page).to_have_url(app.url + "/sverdle")
    expect_rows(page, {0: typed_row("ho")})
    page.go_forward()
    expect(page.get_by_role("heading", name="How to play Sverdle")).to_be_visible()
    page.go_back()
    expect_rows(page, {0: typed_row("ho")})
    # The page that Back brought is the live game, and with JavaScript still enhanced (the
    # key is posted by the page's script, so the address stays).
    click_word(page, "u", start="ho")
    expect(page).to_have_url(app.url + ("/sverdle" if page_js else "/sverdle?/update"))


# --- JavaScript only --------------------------------------------------------------------


@pytest.fixture
def js_app_page(js_page: Page, app: Server) -> Page:
    open_game(js_page, app, js=True)
    return js_page


def test_the_physical_keyboard_presses_the_on_screen_keys(js_app_page: Page) -> None:
    page = js_app_page
    typed = ""
    for letter in "hatex":
        page.keyboard.press(letter.upper() if letter == "t" else letter)
        typed += letter
        expect_rows(page, {0: typed_row(typed)})
    page.keyboard.press("Backspace")
    expect_rows(page, {0: typed_row("hate")})
    page.keyboard.press("Enter")  # four letters: nothing to enter
    page.keyboard.press("r")
    expect_rows(page, {0: typed_row("hater")})
    page.keyboard.press("Enter")
    expect_rows(page, {0: SCORED_HATER, 1: typed_row("")})
    # With a modifier the key belongs to the browser (Ctrl+R, Cmd+A...), not to the game.
    page.keyboard.press("Control+a")
    expect_rows(page, {1: typed_row("")})
    typed = ""
    for letter in ANSWER:
        page.keyboard.press(letter)
        typed += letter
        expect_rows(page, {1: typed_row(typed)})
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="you won :) play again?")).to_be_visible()
    # Enter is "play again" once the game is over, as in the original.
    page.keyboard.press("Enter")
    expect_rows(page, dict.fromkeys(range(6), typed_row("")))


def test_a_bad_word_typed_on_the_physical_keyboard_shakes_twice(js_app_page: Page) -> None:
    page = js_app_page
    # One key after the other has shown (fast typing has a test of its own).
    for count, letter in enumerate(NOT_A_WORD, start=1):
        page.keyboard.press(letter)
        expect_rows(page, {0: typed_row(NOT_A_WORD[:count])})
    grid = page.locator("#game .grid")
    for _ in range(2):
        shakes = page.evaluate("window.shakes")
        page.keyboard.press("Enter")
        expect_a_shake(page, True, shakes)
        expect(page.get_by_role("status")).to_have_text(f"“{NOT_A_WORD}” is not in the word list")
        expect_rows(page, {0: typed_row(NOT_A_WORD)})
        # The shake is over once its animation ends; the letters stay.
        expect(grid).not_to_have_class(SHAKE)
    expect_rows(page, {0: typed_row(NOT_A_WORD)})


def test_fast_typing_reaches_the_server_in_order(js_app_page: Page, app: Server) -> None:
    page = js_app_page
    keys: list[str] = []

    def record(request: Request) -> None:
        if request.method == "POST" and "/update" in request.url:
            keys.extend(parse_qs(request.post_data or "").get("key", []))

    page.on("request", record)
    # Three different keys clicked in one task: well within 50 ms of each other.
    page.evaluate(
        """() => {
            for (const name of ["h", "e", "a"]) {
                document.querySelector(`#game [data-key="${name}"]`).click();
            }
        }"""
    )
    expect_rows(page, {0: typed_row("hea")})
    cookie = next(c for c in page.context.cookies() if c["name"] == "sverdle")
    assert cookie["value"].endswith("--hea")
    assert keys == ["h", "e", "a"]


def test_focus_stays_on_the_on_screen_key(js_app_page: Page) -> None:
    """A keyboard user types one letter after another with Space, without tabbing back
    from the top of the page after each."""
    page = js_app_page
    key(page, "e").focus()
    page.keyboard.press("Space")
    expect_rows(page, {0: typed_row("e")})
    expect(key(page, "e")).to_be_focused()
    page.keyboard.press("Space")
    expect_rows(page, {0: typed_row("ee")})
    page.keyboard.press("Tab")  # to the next key, r
    expect(key(page, "r")).to_be_focused()
    page.keyboard.press("Space")
    expect_rows(page, {0: typed_row("eer")})
