"""Registering, with the form checked while it is filled in (live validation, see
docs/typed-forms.md): `data-validate` on the form, and `validators` below.

When a field is left, the browser checks what the markup says (`type="email"`,
`minlength`), and Kite asks this page whether the form is valid: the `Registration` model's
messages, then `email_is_free` — without running `register` or `load`. The submission is
validated again, as always: the email may have been taken in between.
"""

from __future__ import annotations

import asyncio
from typing import Any

from kite import ActionFailure, RequestEvent, fail_form, limits

from lib import accounts, auth
from lib.accounts import Registration

forms = {"register": Registration}


def load(event: RequestEvent) -> dict[str, Any]:
    return {"min_password_length": auth.MIN_PASSWORD_LENGTH}


async def email_is_free(event: RequestEvent) -> dict[str, str] | None:
    email = str(event.form_data.get("email", ""))
    if auth.looks_like_email(email) and await asyncio.to_thread(auth.email_registered, email):
        return {"email": TAKEN}
    return None


TAKEN = "There is already an account with this email. Log in instead."


# Whether an email has an account is what the live check tells: thirty questions a minute
# per address, its validation requests included, keep that from being a fast lookup.
@limits(rate="30/minute")
async def register(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    form = await event.form(Registration)
    password = form.password.get_secret_value()
    try:
        user = await asyncio.to_thread(auth.create_user, form.email, password)
    except auth.UserExistsError:
        return fail_form(form, {"email": TAKEN})
    event.flash("Your account is ready.", "success")
    await accounts.start_session(event, user)
    return {"success": True, "registered": True}


actions = {"default": register}
validators = {"default": [Registration, email_is_free]}
