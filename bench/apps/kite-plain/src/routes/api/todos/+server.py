"""The signed-in user's todos as JSON, written the plain way: a `def GET` handler (Kite runs
it in a worker thread). Timed by bench/plain_cost.py only: the peers have no such route."""

from __future__ import annotations

from lib import User, store
from starlette.responses import Response

from kite import RequestEvent, error, json


def GET(event: RequestEvent) -> Response:
    user: User | None = event.locals.user
    if user is None:
        error(401, "Sign in first")
    return json(store.todos_of(user.id))
