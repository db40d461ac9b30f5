"""The login page: the 20 most recent users, and two named actions, `login` and `register`."""

from __future__ import annotations

from typing import Any

from lib import SESSION_COOKIE, SESSION_SECONDS, User, store

from kite import ActionFailure, RequestEvent, fail

MIN_PASSWORD_LENGTH = 8


async def load(event: RequestEvent) -> dict[str, Any]:
    return {"users": store.recent_users(20)}


async def login(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    email, password = await _credentials(event)
    if not email:
        return fail(400, {"email": email, "missing": True})
    user = store.check_login(email, password)
    if user is None:
        return fail(400, {"email": email, "incorrect": True})
    _start_session(event, user)
    return {"success": True}


async def register(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    email, password = await _credentials(event)
    if not email:
        return fail(400, {"email": email, "missing": True})
    if len(password) < MIN_PASSWORD_LENGTH:
        return fail(400, {"email": email, "short": True})
    user = store.create_user(email, password)
    if user is None:
        return fail(400, {"email": email, "exists": True})
    _start_session(event, user)
    return {"success": True, "registered": True}


actions = {"login": login, "register": register}


async def _credentials(event: RequestEvent) -> tuple[str, str]:
    form = await event.request.form()
    email, password = form.get("email"), form.get("password")
    return (
        email.strip() if isinstance(email, str) else "",
        password if isinstance(password, str) else "",
    )


def _start_session(event: RequestEvent, user: User) -> None:
    event.cookies.set(SESSION_COOKIE, store.create_session(user.id), max_age=SESSION_SECONDS)
    # The page rendered after a native post reads locals, not the new cookie.
    event.locals.user = user
