"""The signed-in user's 50 todos and a `toggle` action, written the plain way: `def` load and
action (Kite runs them in a worker thread), the form read from `event.form_data`."""

from __future__ import annotations

from typing import Any

from lib import User, store

from kite import ActionFailure, RequestEvent, fail, redirect


def _user(event: RequestEvent) -> User:
    user: User | None = event.locals.user
    if user is None:
        redirect(303, "/login")
    return user


def load(event: RequestEvent) -> dict[str, Any]:
    todos = store.todos_of(_user(event).id)
    return {"todos": todos, "open": sum(not todo["done"] for todo in todos)}


def toggle(event: RequestEvent) -> ActionFailure | None:
    user = _user(event)
    todo_id = event.form_data.get("id")
    done = event.form_data.get("done") == "true"
    if not isinstance(todo_id, str) or not todo_id.isdigit():
        return fail(400, {"notice": "No such todo"})
    if not store.set_done(user.id, int(todo_id), done):
        return fail(404, {"notice": "No such todo"})
    return None


actions = {"toggle": toggle}
