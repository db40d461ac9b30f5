"""The rules of Sverdle, and the game's state as it travels in a cookie.

Nothing here knows about requests: the page's actions read the cookie, call `type` or
`enter`, and write `to_cookie()` back. The answer never leaves the server until the game is
lost, so the browser cannot peek at it.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROWS = 6
LENGTH = 5
BACKSPACE = "backspace"
ANSWER_VARIABLE = "SVERDLE_ANSWER"

# One word a line; `answers` is a subset of `allowed` (README: where the lists come from).
_HERE = Path(__file__).resolve().parent
ANSWERS: tuple[str, ...] = tuple((_HERE / "answers.txt").read_text().split())
ALLOWED: frozenset[str] = frozenset((_HERE / "allowed.txt").read_text().split())

# A score is one character per letter: x = right letter, right place; c = right letter,
# wrong place ("close"); _ = not in the answer (or not that many times).
Score = str
State = Literal["exact", "close", "missing"]
_STATES: dict[str, State] = {"x": "exact", "c": "close", "_": "missing"}
LABELS: dict[State, str] = {"exact": "correct", "close": "present", "missing": "absent"}
_COOKIE = re.compile(r"(\d{1,6})-((?:[a-z]{5}(?:,[a-z]{5}){0,5})?)-([a-z]{0,5})")


def _fixed_answer() -> int | None:
    """The index of the answer every new game gets when SVERDLE_ANSWER is set (for tests and
    demos), else None. Checked when the module is imported, so that `kite start` refuses a
    word the game could never have chosen rather than failing at the first request."""
    word = os.environ.get(ANSWER_VARIABLE, "").strip().lower()
    if not word:
        return None
    if word not in ANSWERS:
        raise RuntimeError(
            f"{ANSWER_VARIABLE}={word!r} is not one of the game's answers "
            f"(examples/sverdle/src/routes/sverdle/answers.txt): choose a word from that file, "
            f"or unset {ANSWER_VARIABLE} for a random answer"
        )
    return ANSWERS.index(word)


FIXED_ANSWER = _fixed_answer()


def score(guess: str, answer: str) -> Score:
    """Score `guess` against `answer`, both five lower-case letters."""
    result = ["_"] * LENGTH
    available: list[str | None] = list(answer)
    for i, letter in enumerate(guess):
        if available[i] == letter:
            result[i] = "x"
            available[i] = None
    # A second pass, so that an early close match cannot use up a letter that a later
    # exact match needs ("geese" against "those": only the last e is marked).
    for i, letter in enumerate(guess):
        if result[i] == "_" and letter in available:
            result[i] = "c"
            available[available.index(letter)] = None
    return "".join(result)


@dataclass
class Cell:
    letter: str
    state: State | None
    label: str  # for screen readers: "correct", "present", "absent" or "empty"


@dataclass
class Row:
    cells: list[Cell]
    current: bool


@dataclass
class Game:
    index: int
    words: list[str] = field(default_factory=list)  # the guesses entered, in order
    typed: str = ""  # the letters of the row being typed

    @classmethod
    def new(cls) -> Game:
        index = FIXED_ANSWER if FIXED_ANSWER is not None else random.randrange(len(ANSWERS))
        return cls(index)

    @classmethod
    def from_cookie(cls, value: str | None) -> Game:
        """The game in the cookie, or a new one when there is none or it is not a game
        (an old format, or edited by hand: neither is worth an error page)."""
        match = _COOKIE.fullmatch(value or "")
        if match is None:
            return cls.new()
        index = int(match[1])
        words = match[2].split(",") if match[2] else []
        if index >= len(ANSWERS) or any(word not in ALLOWED for word in words):
            return cls.new()
        game = cls(index, words, match[3])
        if game.over and game.typed:
            return cls.new()
        return game

    def to_cookie(self) -> str:
        return f"{self.index}-{','.join(self.words)}-{self.typed}"

    @property
    def answer(self) -> str:
        return ANSWERS[self.index]

    @property
    def scores(self) -> list[Score]:
        return [score(word, self.answer) for word in self.words]

    @property
    def won(self) -> bool:
        return bool(self.words) and self.words[-1] == self.answer

    @property
    def over(self) -> bool:
        return self.won or len(self.words) >= ROWS

    @property
    def submittable(self) -> bool:
        return not self.over and len(self.typed) == LENGTH

    def type(self, key: str) -> None:
        """A key of the on-screen keyboard: a letter, or `backspace`. A sixth letter is
        ignored, as the keyboard does when its letter keys are disabled."""
        if self.over:
            return
        if key == BACKSPACE:
            self.typed = self.typed[:-1]
        elif len(self.typed) < LENGTH:
            self.typed += key

    def enter(self, word: str) -> bool:
        """Guess `word`. False, and nothing changes, if it is not an allowed word (the
        letters stay in the row so that the player can fix them)."""
        if self.over or word not in ALLOWED:
            return False
        self.words.append(word)
        self.typed = ""
        return True

    def rows(self) -> list[Row]:
        """The board as the page shows it: six rows of five cells."""
        scores = self.scores
        current = -1 if self.over else len(self.words)
        rows = []
        for r in range(ROWS):
            if r < len(self.words):
                letters, marks = self.words[r], scores[r]
            else:
                letters, marks = (self.typed if r == current else ""), ""
            cells = []
            for c in range(LENGTH):
                state = _STATES[marks[c]] if marks else None
                label = LABELS[state] if state else "empty"
                cells.append(Cell(letters[c] if c < len(letters) else "", state, label))
            rows.append(Row(cells, r == current))
        return rows

    def keys(self) -> dict[str, State]:
        """What the guesses so far say about each letter, for colouring the keyboard: exact
        wins over close, close over missing."""
        known: dict[str, State] = {}
        for word, marks in zip(self.words, self.scores, strict=True):
            for letter, mark in zip(word, marks, strict=True):
                state = _STATES[mark]
                if state == "exact" or letter not in known:
                    known[letter] = state
                elif state == "close" and known[letter] == "missing":
                    known[letter] = "close"
        return known
