"""Profile pictures, stored as bytes in the database and served by `/avatar/[user_id]`.

What a file is comes from its first bytes, never from its name or from the Content-Type the
browser sent: both are whatever the uploader chose. Only a few raster formats are taken,
so nothing served back can carry a script (SVG could).
"""

from __future__ import annotations

import os
import time
from typing import TypedDict

from lib import db

# Bytes; the environment variable is for tests and deployments that want another limit.
DEFAULT_MAX_BYTES = 200 * 1024

# (content type, what the file starts with); WebP is checked separately (RIFF....WEBP).
_SIGNATURES = [
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/gif", b"GIF87a"),
    ("image/gif", b"GIF89a"),
]


class Avatar(TypedDict):
    content_type: str
    data: bytes
    version: int


def max_bytes() -> int:
    return int(os.environ.get("AVATAR_MAX_BYTES") or DEFAULT_MAX_BYTES)


def sniff(data: bytes) -> str | None:
    """The image type that `data` really is, or None when it is not one we take."""
    for content_type, signature in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def save(user_id: int, content_type: str, data: bytes) -> int:
    """Store (or replace) the user's avatar; returns its new version."""
    # Microseconds: two uploads in the same second still get different URLs, and the number
    # stays below 2**53, where JavaScript's numbers (and so devalue) would need a BigInt.
    version = time.time_ns() // 1000
    with db.transaction() as conn:
        # Delete then insert, in one transaction: the same SQL on SQLite and PostgreSQL, and
        # nobody ever sees the user without an avatar in between.
        conn.run("DELETE FROM avatars WHERE user_id = ?", (user_id,))
        conn.run(
            "INSERT INTO avatars (user_id, content_type, data, version) VALUES (?, ?, ?, ?)",
            (user_id, content_type, data, version),
        )
    return version


def remove(user_id: int) -> None:
    with db.transaction() as conn:
        conn.run("DELETE FROM avatars WHERE user_id = ?", (user_id,))


def load(user_id: int) -> Avatar | None:
    with db.read() as conn:
        row = conn.one(
            "SELECT content_type, data, version FROM avatars WHERE user_id = ?", (user_id,)
        )
    if row is None:
        return None
    return Avatar(content_type=row["content_type"], data=bytes(row["data"]), version=row["version"])
