"""examples/sverdle over real HTTP, as a browser without JavaScript plays it.

One `kite start` serves the module, with SVERDLE_ANSWER fixing the answer; each test has its
own client, so its own cookie and its own game.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.servers import ServeApp, Server, ServerStartError
from sverdle_helpers import (
    ANSWER,
    APP,
    ENV,
    NOT_A_WORD,
    WRONG,
    board,
    game_cookie,
    html_client,
    typed_row,
)


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    # Two workers: the game lives in the cookie, not in any process.
    return served_app(APP, workers=2, env=ENV)


@pytest.fixture
def client(app: Server) -> Iterator[httpx.Client]:
    with html_client(app.url) as client:
        yield client


def press(client: httpx.Client, key: str) -> httpx.Response:
    response = client.post("/sverdle?/update", data={"key": key})
    assert response.status_code == 200, response.text
    return response


def type_word(client: httpx.Client, word: str) -> httpx.Response:
    for letter in word:
        response = press(client, letter)
    return response


def enter(client: httpx.Client, word: str) -> httpx.Response:
    # What the form sends: one hidden `guess` input per cell of the current row.
    return client.post("/sverdle?/enter", data={"guess": list(word)})


def restart(client: httpx.Client) -> httpx.Response:
    # The "play again" button has no name, and no other field is left: an empty form.
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return client.post("/sverdle?/restart", content=b"", headers=headers)


def play(client: httpx.Client, word: str) -> httpx.Response:
    type_word(client, word)
    return enter(client, word)


def test_a_new_game(client: httpx.Client) -> None:
    response = client.get("/sverdle")
    assert response.status_code == 200
    assert board(response.text) == [typed_row("")] * 6
    html = response.text
    assert '<button data-key="enter" disabled>enter</button>' in html
    assert 'formaction="?/update" name="key" value="backspace"' in html
    for letter in "qwertyuiopasdfghjklzxcvbnm":
        assert f'data-key="{letter}" formaction="?/update" name="key" value="{letter}"' in html
    # Looking is free: the game is only stored once the player types.
    assert "set-cookie" not in response.headers
    assert ANSWER not in html


def test_typing_is_kept_in_the_cookie(client: httpx.Client) -> None:
    response = type_word(client, "hou")
    assert board(response.text)[0] == typed_row("hou")
    assert client.cookies["sverdle"].endswith("--hou")
    response = press(client, "backspace")
    assert board(response.text)[0] == typed_row("ho")
    # A fresh GET shows the same: nothing lives in the page.
    assert board(client.get("/sverdle").text)[0] == typed_row("ho")
    # The current row carries its letters in hidden inputs, for `?/enter`.
    assert response.text.count('<input type="hidden" name="guess" value="h">') == 1


def test_a_full_row_disables_the_letters_and_enables_enter(client: httpx.Client) -> None:
    response = type_word(client, "house")
    html = response.text
    assert '<button data-key="enter" class="selected">enter</button>' in html
    assert 'value="q" disabled' in html
    # A sixth letter (sent anyway) is ignored, as the disabled key would.
    assert board(press(client, "q").text)[0] == typed_row("house")


def test_a_game_won(client: httpx.Client) -> None:
    response = play(client, "hater")
    assert response.status_code == 200
    assert board(response.text)[0] == "h:exact a:close t:close e:close r:close"
    assert board(response.text)[1] == typed_row("")
    # The keyboard shows what is known: h exact, the others close.
    assert 'data-key="h" formaction="?/update" name="key" value="h" class="exact"' in response.text
    assert 'aria-label="a present"' in response.text

    response = play(client, ANSWER)
    assert response.status_code == 200
    assert board(response.text)[1] == " ".join(f"{c}:exact" for c in ANSWER)
    assert "you won :) play again?" in response.text
    assert 'class="keyboard"' not in response.text
    assert "the answer was" not in response.text
    # Over is over: more keys change nothing.
    assert board(press(client, "a").text)[2] == typed_row("")

    response = restart(client)
    assert response.status_code == 200
    assert "sverdle" not in client.cookies
    assert board(response.text) == [typed_row("")] * 6
    assert 'class="keyboard"' in response.text


def test_a_game_lost(client: httpx.Client) -> None:
    for word in WRONG[:5]:
        response = play(client, word)
        assert response.status_code == 200
        assert ANSWER not in response.text
    response = play(client, WRONG[5])
    assert response.status_code == 200
    assert "game over :( play again?" in response.text
    assert f"the answer was “{ANSWER}”" in response.text
    assert [
        row.count(":exact") + row.count(":close") + row.count(":missing")
        for row in board(response.text)
    ] == [5] * 6
    response = restart(client)
    assert response.status_code == 200
    assert "game over" not in response.text


def test_a_word_that_is_not_allowed_shakes_and_keeps_the_letters(client: httpx.Client) -> None:
    type_word(client, NOT_A_WORD)
    response = enter(client, NOT_A_WORD)
    assert response.status_code == 400
    assert 'class="grid playing shake"' in response.text
    assert f"“{NOT_A_WORD}” is not in the word list" in response.text
    assert board(response.text)[0] == typed_row(NOT_A_WORD)
    # No guess was used up: fixing the last letter and entering again works.
    press(client, "backspace")
    press(client, "backspace")
    # What the form sends for the row "qwe": two empty cells.
    response = client.post("/sverdle?/enter", data={"guess": ["q", "w", "e", "", ""]})
    assert response.status_code == 400
    assert "Type five letters first" in response.text
    type_word(client, "st")
    response = enter(client, "qwest")
    assert response.status_code == 400  # not a word either
    for _ in range(5):
        press(client, "backspace")
    response = play(client, "earth")
    assert response.status_code == 200
    assert board(response.text)[0] == "e:close a:close r:close t:close h:close"


@pytest.mark.parametrize(
    "data",
    [{"key": "ab"}, {"key": "A"}, {"key": "enter"}, {"letter": "a"}, {"key": "é"}],
    ids=["two letters", "upper case", "enter", "no key", "accent"],
)
def test_a_key_that_is_not_on_the_keyboard_is_refused(
    client: httpx.Client, data: dict[str, str]
) -> None:
    response = client.post("/sverdle?/update", data=data)
    assert response.status_code == 400
    assert "sverdle" not in client.cookies


def test_results_for_enhanced_submissions(client: httpx.Client) -> None:
    json_headers = {"Accept": "application/json", "x-sveltekit-action": "true"}
    response = client.post("/sverdle?/update", data={"key": "q"}, headers=json_headers)
    assert response.json() == {"type": "success", "status": 204, "location": "/sverdle"}
    for letter in "wert":
        client.post("/sverdle?/update", data={"key": letter}, headers=json_headers)
    response = client.post(
        "/sverdle?/enter", data={"guess": list(NOT_A_WORD)}, headers=json_headers
    )
    assert response.status_code == 400
    assert response.json()["type"] == "failure"
    assert NOT_A_WORD in response.json()["data"]
    # The letters stay in the row for the player to fix.
    assert client.cookies["sverdle"].endswith(f"--{NOT_A_WORD}")


@pytest.mark.parametrize(
    "cookie",
    [
        "nonsense",
        "99999-house-",
        "0-house,zzzzz-",
        "0-house-toolong",
        "-",
        "0-" + ",".join(["house"] * 7) + "-",
    ],
)
def test_a_cookie_that_is_not_a_game_starts_a_new_one(app: Server, cookie: str) -> None:
    with html_client(app.url) as client:
        client.cookies.set("sverdle", cookie)
        response = client.get("/sverdle")
        assert response.status_code == 200
        assert board(response.text) == [typed_row("")] * 6


def test_a_game_in_progress_from_its_cookie(app: Server) -> None:
    with html_client(app.url) as client:
        client.cookies.set("sverdle", game_cookie(WRONG[:2], "he"))
        rows = board(client.get("/sverdle").text)
        assert rows[0].count(":") == 5 and ":missing" in rows[0]
        assert rows[2] == typed_row("he")


def test_how_to_play(client: httpx.Client) -> None:
    response = client.get("/sverdle/how-to-play")
    assert response.status_code == 200
    assert "<h1>How to play Sverdle</h1>" in response.text
    assert "<title>How to play Sverdle</title>" in response.text
    assert 'href="/sverdle"' in response.text


def test_an_answer_that_is_not_in_the_list_stops_the_start(serve_app: ServeApp) -> None:
    with pytest.raises(ServerStartError) as caught:
        serve_app(APP, env={"SVERDLE_ANSWER": "zzzzz"})
    message = str(caught.value)
    assert "SVERDLE_ANSWER='zzzzz' is not one of the game's answers" in message
    assert "answers.txt" in message
