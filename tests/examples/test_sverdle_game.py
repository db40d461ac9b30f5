"""The rules of examples/sverdle (src/routes/sverdle/game.py) as tables: scoring, typing,
entering, the keyboard's colours and the cookie. Loaded from its file under a name of its
own, so that it cannot meet another example's module of the same name."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

import pytest
from sverdle_helpers import APP


def _load() -> ModuleType:
    path = APP / "src" / "routes" / "sverdle" / "game.py"
    spec = importlib.util.spec_from_file_location("sverdle_game", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


game = _load()


@pytest.mark.parametrize(
    ("guess", "answer", "expected"),
    [
        ("heart", "heart", "xxxxx"),
        ("hater", "heart", "xcccc"),
        ("house", "heart", "x___c"),
        # An exact match is found first, so an early close one cannot use up its letter.
        ("geese", "those", "___xx"),
        ("speed", "abide", "__c_c"),
        # A letter counts as often as the answer has it, no more.
        ("eerie", "there", "c_c_x"),
        ("lolly", "hello", "_cxx_"),
    ],
)
def test_score(guess: str, answer: str, expected: str) -> None:
    assert game.score(guess, answer) == expected


def new(words: list[str], typed: str = "") -> Any:
    return game.Game(game.ANSWERS.index("heart"), list(words), typed)


@pytest.mark.parametrize(
    ("typed", "keys", "expected"),
    [
        ("", "ab", "ab"),
        ("abcd", "ef", "abcde"),  # a sixth letter is ignored
        ("abc", ["backspace"], "ab"),
        ("", ["backspace"], ""),
    ],
)
def test_type(typed: str, keys: list[str], expected: str) -> None:
    state = new([], typed)
    for key in keys:
        state.type(key)
    assert state.typed == expected


def test_enter_and_the_end_of_the_game() -> None:
    state = new([], "qwert")
    assert not state.enter("qwert")
    assert state.typed == "qwert" and state.words == []
    assert state.enter("hater")
    assert state.typed == "" and not state.over
    assert state.enter("heart") and state.won and state.over
    assert not state.enter("house")
    state.type("a")
    assert state.typed == ""
    lost = new(["house", "stone", "world", "sugar", "about", "piano"])
    assert lost.over and not lost.won


def test_the_keyboard_colours() -> None:
    # Against "heart": e is close in "house" and exact in "beats"; the best news wins,
    # whichever guess brought it.
    state = new(["house", "beats"])
    keys = state.keys()
    assert keys["h"] == "exact"
    assert keys["e"] == "exact"  # close, then exact
    assert keys["t"] == "close"
    assert keys["o"] == "missing"
    assert "z" not in keys
    # In "eerie" the first e is missing (heart's only e is the second's, exact): exact.
    assert new(["eerie"]).keys()["e"] == "exact"


@pytest.mark.parametrize(
    ("cookie", "words", "typed"),
    [
        ("213-house,stone-he", ["house", "stone"], "he"),
        ("213--", [], ""),
        ("213-house-", ["house"], ""),
    ],
)
def test_the_cookie_round_trip(cookie: str, words: list[str], typed: str) -> None:
    state = game.Game.from_cookie(cookie)
    assert (state.index, state.words, state.typed) == (213, words, typed)
    assert state.to_cookie() == cookie


@pytest.mark.parametrize(
    "cookie",
    [
        None,
        "",
        "nonsense",
        "99999--",  # no such answer
        "213-zzzzz-",  # not an allowed word
        "213-house-abcdef",  # six letters typed
        "213-" + ",".join(["house"] * 7) + "-",  # seven guesses
        "213-heart-ab",  # letters typed after the game was won
        "213-HOUSE-",
    ],
)
def test_a_cookie_that_is_not_a_game_is_a_new_game(cookie: str | None) -> None:
    state = game.Game.from_cookie(cookie)
    assert state.words == [] and state.typed == ""
    assert 0 <= state.index < len(game.ANSWERS)
