"""Shared by the tests of examples/sverdle: where the game is, its fixed answer, and a client
that posts the way a browser without JavaScript does."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

APP = Path(__file__).resolve().parents[2] / "examples" / "sverdle"
ANSWER = "heart"
# The game reads SVERDLE_ANSWER when it starts: every new game then has this answer.
ENV = {"SVERDLE_ANSWER": ANSWER}
# Allowed words that are not the answer, enough to lose with.
WRONG = ["house", "stone", "world", "sugar", "about", "piano"]
NOT_A_WORD = "qwert"


def answer_index() -> int:
    return (APP / "src" / "routes" / "sverdle" / "answers.txt").read_text().split().index(ANSWER)


def game_cookie(words: list[str], typed: str = "") -> str:
    """The `sverdle` cookie of a game with the fixed answer, `words` entered and `typed` in
    the current row (the format of examples/sverdle/src/routes/sverdle/game.py)."""
    return f"{answer_index()}-{','.join(words)}-{typed}"


def html_client(url: str) -> httpx.Client:
    """Posts forms as a browser without JavaScript does: with Origin (Kite refuses
    cross-site form posts), asking for HTML, not following redirects."""
    return httpx.Client(
        base_url=url,
        headers={"Origin": url, "Accept": "text/html"},
        follow_redirects=False,
        trust_env=False,
        timeout=30,
    )


class _Board(HTMLParser):
    """Reads the grid of a rendered game page: each cell's letter and state."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[list[str]] = []  # [letter, state]
        self._in_cell = False
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "letter" in classes:
            state = next((c for c in classes if c in ("exact", "close", "missing")), "")
            self.cells.append(["", state])
            self._in_cell = True
        elif self._in_cell and tag == "span":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_cell and tag == "span":
            self._hidden -= 1
        elif self._in_cell and tag == "div":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell and not self._hidden:
            self.cells[-1][0] += data.strip()


def board(html: str) -> list[str]:
    """The six rows as strings of `letter:state` cells, e.g. `h:exact o:missing ...`, an
    empty cell as `:`; a row being typed has no states: `h: e: : : :`."""
    parser = _Board()
    parser.feed(html)
    cells = [f"{letter}:{state}" for letter, state in parser.cells]
    assert len(cells) == 30, cells
    return [" ".join(cells[row * 5 : row * 5 + 5]) for row in range(6)]


def typed_row(letters: str) -> str:
    """A row being typed, as `board` writes it."""
    return " ".join([f"{letter}:" for letter in letters] + [":"] * (5 - len(letters)))


def rows_on_page(page: Page) -> list[str]:
    """The board in the browser's current DOM, as `board` reads it (works with JavaScript
    off too: the DOM is read through the browser's devtools protocol)."""
    return board(page.content())


def expect_rows(page: Page, expected: dict[int, str], timeout: float = 10.0) -> None:
    """Wait until the rows numbered in `expected` (0-based) show what it says; fail with
    the whole board if they never do."""
    deadline = time.monotonic() + timeout
    rows: list[str] = []
    while True:
        try:
            rows = rows_on_page(page)
        except (PlaywrightError, AssertionError):
            rows = []  # between two documents: no content, or not the game yet
        if rows and all(rows[index] == row for index, row in expected.items()):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected rows {expected}, the board shows {rows}")
        page.wait_for_timeout(50)
