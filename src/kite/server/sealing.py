"""Small values sealed into cookies (flash messages, a post/redirect/get result): encrypted
and authenticated with AES-GCM under a key derived from the app's secret and the cookie's
purpose, so that the browser can neither read nor alter them, and one kind of cookie can
never be passed off as another. Older secrets (`secret_key` fallbacks) still open what
they sealed, so that rotating the secret loses nothing in flight.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import struct
import time
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["CookieSealer"]

_HEADER = struct.Struct(">Q")
_NONCE_SIZE = 12
# Workers on several machines may disagree on the time by this much (seconds).
_CLOCK_SKEW = 60


def _key(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"kite cookie|{purpose}|".encode() + secret.encode("utf-8")).digest()


class CookieSealer:
    """Seals bytes for one purpose ("flash", "prg"), and opens what it sealed."""

    def __init__(
        self, secret: str | None, purpose: str, fallbacks: Sequence[str] = (), *, max_age: int
    ) -> None:
        # Seconds a sealed value stays valid, and its cookie's Max-Age.
        self.max_age = max_age
        # Without a configured secret each process makes its own key: a cookie then opens
        # only on the process that sealed it (docs/deployment.md, "Secrets").
        self._aead = AESGCM(_key(secret or secrets.token_urlsafe(32), purpose))
        self._fallbacks = [AESGCM(_key(old, purpose)) for old in fallbacks if old and old != secret]

    def seal(self, plaintext: bytes) -> str:
        header = _HEADER.pack(int(time.time()))
        nonce = os.urandom(_NONCE_SIZE)
        sealed = header + nonce + self._aead.encrypt(nonce, plaintext, header)
        return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")

    def open(self, token: str) -> bytes | None:
        """The sealed bytes; None when the token is foreign, altered or older than
        `max_age` seconds."""
        try:
            sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            (sealed_at,) = _HEADER.unpack(sealed[: _HEADER.size])
        except (binascii.Error, struct.error, ValueError):
            return None
        if not -_CLOCK_SKEW <= time.time() - sealed_at <= self.max_age:
            return None
        header = sealed[: _HEADER.size]
        nonce = sealed[_HEADER.size : _HEADER.size + _NONCE_SIZE]
        for aead in (self._aead, *self._fallbacks):
            try:
                return aead.decrypt(nonce, sealed[_HEADER.size + _NONCE_SIZE :], header)
            except (InvalidTag, ValueError):
                continue
        return None
