"""Logging in, registering and logging out: three named actions on one page.

The login form's buttons pick the action: `action="?/login"` on the form and
`formaction="?/register"` on the Register button. The layout posts to `/login?/login` (its
login widget) and `/login?/logout` from every page.

Both buttons send the same two fields, read through pydantic models (typed forms, see
docs/typed-forms.md; lib/accounts.py): `Credentials` for logging in, `Registration` — the
same fields with stricter rules — for registering. A submission that does not validate
never reaches the action: Kite answers it with a 400 failure carrying the messages and the
email typed (never the password), which the template shows beside each field.
"""

from __future__ import annotations

import asyncio
from typing import Any

from kite import ActionFailure, RequestEvent, fail_form, limits

from lib import accounts, auth
from lib.accounts import Credentials, Registration

# `forms.account` in the template: the values and messages of the last attempt of either
# button (Registration derives from Credentials, so its failures are this form's too).
forms = {"account": Credentials}


def load(event: RequestEvent) -> dict[str, Any]:
    return {
        # Put back into the form's action URLs, so that it survives the POST.
        "redirect_to": auth.safe_redirect_target(event.url.query_params.get("redirectTo")),
        "min_password_length": auth.MIN_PASSWORD_LENGTH,
    }


def address_and_email(event: RequestEvent) -> str:
    """Whom the login's rate limit counts: one client guessing one account's password.
    (Per address alone, everyone behind one office NAT would share five attempts.)"""
    form = event.request.parsed_form
    email = str(form.get("email", "")) if form is not None else ""
    return f"{event.client_address}|{email.strip().lower()}"


# Five attempts a minute per address and account; the sixth gets 429 (Retry-After) without
# the password being checked. With several workers, set [rate_limits] store in kite.toml.
@limits(rate="5/minute", key=address_and_email)
async def login(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    form = await event.form(Credentials)
    password = form.password.get_secret_value()
    # argon2 takes a tenth of a second on purpose: in a thread, not on the event loop.
    user = await asyncio.to_thread(auth.check_password, form.email, password)
    if user is None:
        # One answer for an unknown email and a wrong password, so that the form does not
        # tell strangers who has an account.
        return fail_form(form, {"password": "Incorrect email or password."})
    event.flash(f"Welcome back, {user.email}.")
    await accounts.start_session(event, user)
    return {"success": True}


async def register(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    form = await event.form(Registration)
    password = form.password.get_secret_value()
    try:
        user = await asyncio.to_thread(auth.create_user, form.email, password)
    except auth.UserExistsError:
        message = "There is already an account with this email. Log in instead."
        return fail_form(form, {"email": message})
    event.flash("Your account is ready.", "success")
    await accounts.start_session(event, user)
    return {"success": True, "registered": True}


async def logout(event: RequestEvent) -> dict[str, Any]:
    await asyncio.to_thread(auth.delete_session, event.cookies.get(auth.SESSION_COOKIE))
    event.cookies.delete(auth.SESSION_COOKIE)
    # handle() set the user before this action ran, and the loads that render the page
    # next read event.locals: without this line the response would still say "Signed in".
    event.locals.user = None
    event.flash("See you soon.")
    return {"logged_out": True}


actions = {"login": login, "register": register, "logout": logout}
