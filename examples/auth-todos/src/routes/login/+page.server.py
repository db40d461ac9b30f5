"""Logging in, registering and logging out: three named actions on one page.

The login form's buttons pick the action: `action="?/login"` on the form and
`formaction="?/register"` on the Register button. The layout posts to `/login?/login` (its
login widget) and `/login?/logout` from every page.
"""

from __future__ import annotations

import asyncio
from typing import Any

from kite import ActionFailure, RequestEvent, fail, redirect

from lib import auth


def load(event: RequestEvent) -> dict[str, Any]:
    return {
        # Put back into the form's action URLs, so that it survives the POST.
        "redirect_to": auth.safe_redirect_target(event.url.query_params.get("redirectTo")),
        "min_password_length": auth.MIN_PASSWORD_LENGTH,
    }


async def login(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    email, password = await _credentials(event)
    if not email:
        return fail(400, {"email": email, "missing": True})
    # argon2 takes a tenth of a second on purpose: in a thread, not on the event loop.
    user = await asyncio.to_thread(auth.check_password, email, password)
    if user is None:
        # One answer for an unknown email and a wrong password, so that the form does not
        # tell strangers who has an account. The email goes back; the password never does.
        return fail(400, {"email": email, "incorrect": True})
    await _start_session(event, user)
    return {"success": True}


async def register(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    email, password = await _credentials(event)
    if not email:
        return fail(400, {"email": email, "missing": True})
    if not auth.looks_like_email(email):
        return fail(400, {"email": email, "invalid_email": True})
    if len(password) < auth.MIN_PASSWORD_LENGTH:
        return fail(400, {"email": email, "short_password": True})
    try:
        user = await asyncio.to_thread(auth.create_user, email, password)
    except auth.UserExistsError:
        return fail(400, {"email": email, "exists": True})
    await _start_session(event, user)
    return {"success": True, "registered": True}


async def logout(event: RequestEvent) -> dict[str, Any]:
    await asyncio.to_thread(auth.delete_session, event.cookies.get(auth.SESSION_COOKIE))
    event.cookies.delete(auth.SESSION_COOKIE)
    # handle() set the user before this action ran, and the loads that render the page
    # next read event.locals: without this line the response would still say "Signed in".
    event.locals.user = None
    return {"logged_out": True}


actions = {"login": login, "register": register, "logout": logout}


async def _credentials(event: RequestEvent) -> tuple[str, str]:
    form = await event.request.form()
    email = form.get("email")
    password = form.get("password")
    return (
        email.strip() if isinstance(email, str) else "",
        password if isinstance(password, str) else "",
    )


async def _start_session(event: RequestEvent, user: auth.User) -> None:
    old_token = event.cookies.get(auth.SESSION_COOKIE)
    if old_token:
        # A new session for a new login, never a reused one that somebody may have planted.
        await asyncio.to_thread(auth.delete_session, old_token)
    token = await asyncio.to_thread(auth.create_session, user.id)
    event.cookies.set(auth.SESSION_COOKIE, token, max_age=auth.SESSION_SECONDS)
    # Same reason as in logout: the layout rendered after this action says "Signed in as".
    event.locals.user = user
    target = auth.safe_redirect_target(event.url.query_params.get("redirectTo"))
    if target is not None:
        redirect(303, target)
