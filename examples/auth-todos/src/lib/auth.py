"""Users, passwords and sessions, kept in the database (`lib/db.py`).

Passwords are hashed with argon2id (argon2-cffi's defaults). The stored string carries its
own parameters, so they can be raised later: a login with an older hash stores a new one.

A session is a random token in the `sessionid` cookie. The database keeps only the token's
SHA-256, so a copy of the database does not hold cookies that work. Sessions last 30 days;
an expired one is deleted when it is presented.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from kite import RequestEvent, redirect

from lib import db

SESSION_COOKIE = "sessionid"
SESSION_SECONDS = 60 * 60 * 24 * 30
MIN_PASSWORD_LENGTH = 8
MAX_EMAIL_LENGTH = 254

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    email: str
    # Changes with every upload; None without an avatar. Part of the avatar's URL, so that
    # browsers may cache each version forever.
    avatar_version: int | None = None


class UserExistsError(Exception):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def looks_like_email(email: str) -> bool:
    # Deliberately loose: the only real check is a mail that arrives. This catches typos
    # such as a missing @ or a space.
    local, at, domain = email.rpartition("@")
    return bool(at and local and domain) and len(email) <= MAX_EMAIL_LENGTH and " " not in email


def create_user(email: str, password: str) -> User:
    """Raises UserExistsError when the email already has an account."""
    email = normalize_email(email)
    password_hash = _hasher.hash(password)
    try:
        with db.transaction() as conn:
            row = conn.one(
                "INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)"
                " RETURNING id",
                (email, password_hash, int(time.time())),
            )
    except db.IntegrityError:
        # The UNIQUE constraint decides, not a look-up beforehand: two registrations racing
        # in two workers cannot both win.
        raise UserExistsError(email) from None
    assert row is not None
    return User(id=row["id"], email=email)


def email_registered(email: str) -> bool:
    """Whether the email has an account: the register form says so while it is typed. That
    tells anybody who has an account, which the page's rate limit keeps slow."""
    with db.read() as conn:
        row = conn.one("SELECT id FROM users WHERE email = ?", (normalize_email(email),))
    return row is not None


def check_password(email: str, password: str) -> User | None:
    """The user with this email and password; None for an unknown email or a wrong password."""
    with db.read() as conn:
        row = conn.one(
            "SELECT users.id, users.email, users.password_hash, avatars.version"
            " FROM users LEFT JOIN avatars ON avatars.user_id = users.id WHERE users.email = ?",
            (normalize_email(email),),
        )
    if row is None:
        # Spend the time a real check takes, so that response times do not tell which
        # emails have an account.
        _verify(_dummy_hash(), password)
        return None
    if not _verify(row["password_hash"], password):
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        with db.transaction() as conn:
            conn.run(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                (_hasher.hash(password), row["id"]),
            )
    return User(id=row["id"], email=row["email"], avatar_version=row["version"])


def create_session(user_id: int) -> str:
    """A new session for the user; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    with db.transaction() as conn:
        # Housekeeping while we are here: this user's sessions that nobody will present again.
        conn.run("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", (user_id, now))
        conn.run(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
            (token_hash(token), user_id, now + SESSION_SECONDS),
        )
    return token


def user_for_session(token: str | None) -> User | None:
    """Who the session token belongs to; None when it is absent, unknown or expired."""
    if not token:
        return None
    with db.read() as conn:
        row = conn.one(
            "SELECT users.id, users.email, sessions.expires_at, avatars.version"
            " FROM sessions JOIN users ON users.id = sessions.user_id"
            " LEFT JOIN avatars ON avatars.user_id = users.id"
            " WHERE sessions.token_hash = ?",
            (token_hash(token),),
        )
    if row is None:
        return None
    if row["expires_at"] <= time.time():
        delete_session(token)
        return None
    return User(id=row["id"], email=row["email"], avatar_version=row["version"])


def delete_session(token: str | None) -> None:
    if token:
        with db.transaction() as conn:
            conn.run("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))


def token_hash(token: str) -> str:
    # A plain hash is enough (no salt, no argon2): the token is 256 random bits, not a
    # password that could be guessed.
    return hashlib.sha256(token.encode()).hexdigest()


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


# --- for routes -----------------------------------------------------------------------------


def require_user(event: RequestEvent) -> User:
    """The signed-in user; anyone else is sent to the login page, and back here after it."""
    user: User | None = event.locals.user
    if user is None:
        here = event.url.path
        if event.request.method == "GET" and event.url.query:
            here += "?" + event.url.query
        # After a POST, come back with a GET to the page, not to the action's URL.
        redirect(303, "/login?redirectTo=" + quote(here, safe="/"))
    return user


def safe_redirect_target(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None.

    `?redirectTo=` comes from a URL anyone can write, so following it blindly would let a
    link to this site's login page send people anywhere after they log in. Browsers read
    `//evil.example` and `/\\evil.example` as other sites, and they drop tabs and newlines
    from URLs (`/<TAB>/evil.example`), so those are refused too.
    """
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    return target
