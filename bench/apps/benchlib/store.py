"""The benchmark's data: users, sessions and todos, in memory, seeded from `seed.json`.

The SvelteKit contender has the same store in JavaScript (`sveltekit/src/lib/server/store.js`)
reading the same seed, so every contender does the same work per request.

Passwords are checked with one salted SHA-256 and a constant-time compare. A real app would
use a slow hash (argon2, as examples/auth-todos does); here that would measure the hash, not
the framework, so the check is deliberately cheap and identical everywhere.

Each process has its own store (`kite start --workers 2` runs two): the timed scenarios only
read seeded data or write idempotently, so every worker answers the same.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

# BENCH_SEED names another seed, as for the SvelteKit store (bench/rows_scaling.py seeds
# N todos this way).
SEED_PATH = Path(
    os.environ.get("BENCH_SEED") or Path(__file__).resolve().parent.parent / "seed.json"
)
SESSION_COOKIE = "sessionid"
SESSION_SECONDS = 60 * 60 * 24 * 30
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class User:
    id: int
    name: str
    email: str
    joined: str
    salt: str
    password_hash: bytes

    def public(self) -> dict[str, Any]:
        """What pages show (and Kite may serialize): never the hash."""
        return {"id": self.id, "name": self.name, "email": self.email, "joined": self.joined}


def _hash(salt: str, password: str) -> bytes:
    return hashlib.sha256((salt + password).encode("utf-8")).digest()


class Store:
    def __init__(self, seed: dict[str, Any]) -> None:
        self.users: list[User] = []
        self.by_email: dict[str, User] = {}
        self.todos: dict[int, list[dict[str, Any]]] = {}
        self.sessions: dict[str, int] = {}
        # Bumped by every change a page can show; raw_asgi.py keys its rendered pages on it.
        self.version = 0
        self._todo_seed: list[dict[str, Any]] = seed["todos"]
        for entry in seed["users"]:
            self._add_user(
                entry["name"], entry["email"], entry["password"], entry["salt"], entry["joined"]
            )
        session = seed["session"]
        self.sessions[session["token"]] = session["user_id"]

    def _add_user(self, name: str, email: str, password: str, salt: str, joined: str) -> User:
        user = User(
            id=len(self.users) + 1,
            name=name,
            email=email,
            joined=joined,
            salt=salt,
            password_hash=_hash(salt, password),
        )
        self.users.append(user)
        self.by_email[email] = user
        self.todos[user.id] = [dict(todo) for todo in self._todo_seed]
        self.version += 1
        return user

    def check_login(self, email: str, password: str) -> User | None:
        user = self.by_email.get(email)
        if user is None:
            return None
        if hmac.compare_digest(_hash(user.salt, password), user.password_hash):
            return user
        return None

    def create_user(self, email: str, password: str) -> User | None:
        """None when the email is taken."""
        if email in self.by_email:
            return None
        name = email.split("@")[0]
        return self._add_user(name, email, password, secrets.token_hex(8), date.today().isoformat())

    def create_session(self, user_id: int) -> str:
        token = secrets.token_urlsafe(32)
        self.sessions[token] = user_id
        return token

    def user_for_session(self, token: str | None) -> User | None:
        if not token:
            return None
        user_id = self.sessions.get(token)
        return None if user_id is None else self.users[user_id - 1]

    def recent_users(self, count: int = 20) -> list[dict[str, Any]]:
        return [user.public() for user in reversed(self.users[-count:])]

    def todos_of(self, user_id: int) -> list[dict[str, Any]]:
        return self.todos[user_id]

    def set_done(self, user_id: int, todo_id: int, done: bool) -> bool:
        """False when the user has no such todo."""
        for todo in self.todos[user_id]:
            if todo["id"] == todo_id:
                if todo["done"] != done:
                    todo["done"] = done
                    self.version += 1
                return True
        return False


def load_store(path: Path = SEED_PATH) -> Store:
    return Store(json.loads(path.read_text(encoding="utf-8")))


store = load_store()
