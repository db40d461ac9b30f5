"""The game: `load` shows the board from the `sverdle` cookie; three actions change it.

Every key of the on-screen keyboard is a submit button posting to `?/update`, so the game
works without JavaScript; with it, the page's script enhances the same form (one request
per key) and lets the physical keyboard press those buttons.
"""

from __future__ import annotations

from typing import Annotated, Any

from kite import ActionFailure, RequestEvent, fail
from pydantic import BaseModel, Field

from .game import BACKSPACE, LABELS, Game

COOKIE = "sverdle"

Letter = Annotated[str, Field(pattern=r"^[a-z]$")]


class KeyPress(BaseModel):
    key: Annotated[str, Field(pattern=rf"^([a-z]|{BACKSPACE})$")]


class Guess(BaseModel):
    # One hidden input per cell of the row being typed; empty cells are dropped, so a
    # row that is not full fails here and is answered like a word that is not allowed.
    guess: Annotated[list[Letter], Field(min_length=5, max_length=5)]


def load(event: RequestEvent) -> dict[str, Any]:
    game = Game.from_cookie(event.cookies.get(COOKIE))
    return {
        "rows": game.rows(),
        "keys": game.keys(),
        "labels": LABELS,
        "typed": game.typed,
        "won": game.won,
        "over": game.over,
        "submittable": game.submittable,
        # Revealed only once the game is lost: the browser never sees it before.
        "answer": game.answer if game.over and not game.won else None,
    }


async def update(event: RequestEvent) -> None:
    """A key of the on-screen keyboard: a letter, or backspace."""
    press = await event.form(KeyPress)
    game = Game.from_cookie(event.cookies.get(COOKIE))
    game.type(press.key)
    _save(event, game)


async def enter(event: RequestEvent) -> ActionFailure | None:
    """Guess the word in the current row. Always checked here, on the server, so that
    nobody can cheat by reading the page's script."""
    guess = await event.form(Guess)
    game = Game.from_cookie(event.cookies.get(COOKIE))
    word = "".join(guess.guess)
    if not game.enter(word):
        return fail(400, {"bad_guess": word})
    _save(event, game)
    return None


def restart(event: RequestEvent) -> None:
    event.cookies.delete(COOKIE)


actions = {"update": update, "enter": enter, "restart": restart}


def _save(event: RequestEvent, game: Game) -> None:
    event.cookies.set(COOKIE, game.to_cookie())
