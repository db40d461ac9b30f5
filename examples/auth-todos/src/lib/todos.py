"""Each user's todo list.

Every query names the user: a todo id alone never reaches a row, so nobody can change
another user's todo by posting its id.
"""

from __future__ import annotations

import time
from typing import TypedDict

from lib import db

MAX_LENGTH = 120


# A plain dict rather than an object: page data must be serializable.
class Todo(TypedDict):
    id: int
    text: str
    done: bool


class DuplicateTodoError(Exception):
    pass


def clean(text: str) -> str:
    return " ".join(text.split())


def problem_with(text: str) -> str | None:
    """What is wrong with a todo's (cleaned) text, as a sentence for the user; else None."""
    if not text:
        return "Write something first."
    if len(text) > MAX_LENGTH:
        return f"Keep it to {MAX_LENGTH} characters; this one has {len(text)}."
    return None


def _key(text: str) -> str:
    # "Buy milk" and "buy  MILK" are the same todo: the UNIQUE (user_id, text_key)
    # constraint compares this form.
    return clean(text).casefold()


def has(user_id: int, text: str) -> bool:
    """Whether the list already has this todo (as `add` compares them)."""
    with db.read() as conn:
        row = conn.one(
            "SELECT id FROM todos WHERE user_id = ? AND text_key = ?", (user_id, _key(text))
        )
    return row is not None


def list_todos(user_id: int, search: str = "") -> list[Todo]:
    sql = "SELECT id, text, done FROM todos WHERE user_id = ?"
    params: list[object] = [user_id]
    if search:
        # LIKE's own wildcards in the search are meant literally.
        escaped = _key(search).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql += " AND text_key LIKE ? ESCAPE '\\'"
        params.append(f"%{escaped}%")
    with db.read() as conn:
        rows = conn.all(sql + " ORDER BY id", params)
    # SQLite has no real booleans: `done` comes back as 0 or 1 there.
    return [Todo(id=row["id"], text=row["text"], done=bool(row["done"])) for row in rows]


def count_open(user_id: int) -> tuple[int, int]:
    """(open, total) for the user's whole list."""
    with db.read() as conn:
        row = conn.one(
            "SELECT COUNT(*) AS total, SUM(CASE WHEN done THEN 0 ELSE 1 END) AS open"
            " FROM todos WHERE user_id = ?",
            (user_id,),
        )
    assert row is not None
    return int(row["open"] or 0), int(row["total"])


def add(user_id: int, text: str) -> Todo:
    """Raises DuplicateTodoError when the list already has it."""
    try:
        with db.transaction() as conn:
            row = conn.one(
                "INSERT INTO todos (user_id, text, text_key, done, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (user_id, text, _key(text), False, int(time.time())),
            )
    except db.IntegrityError:
        raise DuplicateTodoError(text) from None
    assert row is not None
    return Todo(id=row["id"], text=text, done=False)


def set_done(user_id: int, todo_id: int, done: bool) -> bool:
    """False when the user has no such todo."""
    with db.transaction() as conn:
        changed = conn.run(
            "UPDATE todos SET done = ? WHERE id = ? AND user_id = ?", (done, todo_id, user_id)
        )
    return changed == 1


def rename(user_id: int, todo_id: int, text: str) -> bool:
    """False when the user has no such todo; DuplicateTodoError when another one has it."""
    try:
        with db.transaction() as conn:
            changed = conn.run(
                "UPDATE todos SET text = ?, text_key = ? WHERE id = ? AND user_id = ?",
                (text, _key(text), todo_id, user_id),
            )
    except db.IntegrityError:
        raise DuplicateTodoError(text) from None
    return changed == 1


def delete(user_id: int, todo_id: int) -> bool:
    """False when the user has no such todo."""
    with db.transaction() as conn:
        changed = conn.run("DELETE FROM todos WHERE id = ? AND user_id = ?", (todo_id, user_id))
    return changed == 1
