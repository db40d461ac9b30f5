"""The account forms' models, shared by the login page and the register page, and starting a
session once somebody has proved who they are."""

from __future__ import annotations

import asyncio

from kite import RequestEvent, redirect
from pydantic import BaseModel, SecretStr, field_validator

from lib import auth


class Credentials(BaseModel):
    # Defaults rather than "required": an empty field gets the page's own wording below, not
    # the generic "This field is required.".
    email: str = ""
    password: SecretStr = SecretStr("")

    @field_validator("email")
    @classmethod
    def email_given(cls, email: str) -> str:
        email = email.strip()
        if not email:
            raise ValueError("Please enter your email address.")
        return email


class Registration(Credentials):
    @field_validator("email")
    @classmethod
    def email_plausible(cls, email: str) -> str:
        if not auth.looks_like_email(email):
            raise ValueError("That does not look like an email address.")
        return email

    @field_validator("password")
    @classmethod
    def password_long_enough(cls, password: SecretStr) -> SecretStr:
        if len(password.get_secret_value()) < auth.MIN_PASSWORD_LENGTH:
            raise ValueError(f"Use at least {auth.MIN_PASSWORD_LENGTH} characters.")
        return password


async def start_session(event: RequestEvent, user: auth.User) -> None:
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
