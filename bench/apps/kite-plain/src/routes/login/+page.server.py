"""The login page, written the plain way: `def` load and actions (Kite runs them in a worker
thread), the credentials read as a typed form (docs/typed-forms.md), as the demo app
(examples/auth-todos) reads them."""

from __future__ import annotations

from typing import Any

from lib import SESSION_COOKIE, SESSION_SECONDS, User, store
from pydantic import BaseModel

from kite import ActionFailure, RequestEvent, fail

MIN_PASSWORD_LENGTH = 8


class Credentials(BaseModel):
    # Defaults: a missing field gets this page's own message below.
    email: str = ""
    password: str = ""


def load(event: RequestEvent) -> dict[str, Any]:
    return {"users": store.recent_users(20)}


def login(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    form = event.form(Credentials)
    email = form.email.strip()
    if not email:
        return fail(400, {"email": email, "missing": True})
    user = store.check_login(email, form.password)
    if user is None:
        return fail(400, {"email": email, "incorrect": True})
    _start_session(event, user)
    return {"success": True}


def register(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    form = event.form(Credentials)
    email = form.email.strip()
    if not email:
        return fail(400, {"email": email, "missing": True})
    if len(form.password) < MIN_PASSWORD_LENGTH:
        return fail(400, {"email": email, "short": True})
    user = store.create_user(email, form.password)
    if user is None:
        return fail(400, {"email": email, "exists": True})
    _start_session(event, user)
    return {"success": True, "registered": True}


actions = {"login": login, "register": register}


def _start_session(event: RequestEvent, user: User) -> None:
    event.cookies.set(SESSION_COOKIE, store.create_session(user.id), max_age=SESSION_SECONDS)
    # The page rendered after a native post reads locals, not the new cookie.
    event.locals.user = user
