"""The signed-in user's todo list: a search (GET) and four actions (POST).

The actions are plain `def`s: Kite runs them in a worker thread, where the blocking
database calls are fine, and they read the form Kite has already parsed, `event.form_data`.

Each action's data is keyed by the form it belongs to (`create`, `edit`), because `form` in
the template is shared by every form on the page: an error must appear beside the field
that caused it, not beside all of them.
"""

from __future__ import annotations

from typing import Any

from kite import ActionFailure, RequestEvent, fail

from lib import auth, todos

def load(event: RequestEvent) -> dict[str, Any]:
    user = auth.require_user(event)
    search = (event.url.query_params.get("q") or "").strip()
    open_count, total = todos.count_open(user.id)
    return {
        "todos": todos.list_todos(user.id, search),
        "q": search,
        "open": open_count,
        "total": total,
    }


def create(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    user = auth.require_user(event)
    text = todos.clean(_field(event, "text"))
    problem = todos.problem_with(text)
    if problem is None:
        try:
            todo = todos.add(user.id, text)
        except todos.DuplicateTodoError:
            problem = "That is already on your list."
        else:
            return {"created": todo}
    # The text goes back into the field, so that nothing typed is lost.
    return fail(400, {"create": {"text": text, "error": problem}})


def new_todo_problem(event: RequestEvent) -> dict[str, str] | None:
    """Live validation of the new todo (`data-validate`): what `create` would say, asked
    while it is typed. An empty field is left for the submission to point out."""
    user = auth.require_user(event)
    text = todos.clean(_field(event, "text"))
    if not text:
        return None
    problem = todos.problem_with(text)
    if problem is None and todos.has(user.id, text):
        problem = "That is already on your list."
    return None if problem is None else {"text": problem}


def toggle(event: RequestEvent) -> ActionFailure | None:
    user = auth.require_user(event)
    todo_id = _todo_id(event)
    # The form says which state it wants rather than "flip it": pressing twice, or in two
    # tabs, cannot undo itself.
    done = _field(event, "done") == "true"
    if todo_id is None or not todos.set_done(user.id, todo_id, done):
        return _not_found()
    return None


def edit(event: RequestEvent) -> ActionFailure | None:
    user = auth.require_user(event)
    todo_id = _todo_id(event)
    if todo_id is None:
        return _not_found()
    text = todos.clean(_field(event, "text"))
    problem = todos.problem_with(text)
    if problem is None:
        try:
            if not todos.rename(user.id, todo_id, text):
                return _not_found()
            return None
        except todos.DuplicateTodoError:
            problem = "Another todo already says that."
    return fail(400, {"edit": {"id": todo_id, "text": text, "error": problem}})


def delete(event: RequestEvent) -> ActionFailure | None:
    user = auth.require_user(event)
    todo_id = _todo_id(event)
    if todo_id is None or not todos.delete(user.id, todo_id):
        return _not_found()
    return None


actions = {"create": create, "toggle": toggle, "edit": edit, "delete": delete}
validators = {"create": new_todo_problem}


def _field(event: RequestEvent, name: str) -> str:
    value = event.form_data.get(name)
    # A file where text was expected is treated as no text.
    return value if isinstance(value, str) else ""


def _todo_id(event: RequestEvent) -> int | None:
    value = _field(event, "id")
    # At most 18 digits: anything longer would not fit the database's 64-bit integers.
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _not_found() -> ActionFailure:
    # Also the answer for somebody else's todo: which ids exist is none of this user's
    # business. Deleted in another tab is the everyday case.
    return fail(404, {"notice": "That todo is not on your list (any more)."})
