"""The data token: a page's load data, sealed so that the browser can hand it back for a
re-render without running the loads (see docs/runtime-design.md).

Only the server ever reads a token, so its inside is a server format, not devalue: plain
Python data (dicts, lists, str, numbers, ...) is written with `marshal`, which is about
twenty times faster than devalue on a page's data and gives back exactly what was sealed;
anything else (dates, the app's `transport` types) with devalue, as before. Either way the
bytes are encrypted and authenticated with AES-GCM under a key derived from the app's
secret: the browser can neither read nor alter them, and nothing but what this server
sealed is ever decoded (`marshal` is not meant for untrusted bytes, and never sees any).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import marshal
import os
import secrets
import struct
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kite import devalue

__all__ = ["DataSealer"]

logger = logging.getLogger("kite")

# What the token's plaintext starts with: how the rest is encoded.
_MARSHAL = b"m"
_DEVALUE = b"d"
# A token is: sealed-at time (8 bytes, authenticated), nonce (12 bytes), ciphertext + tag.
_HEADER = struct.Struct(">Q")
_NONCE_SIZE = 12
_OVERHEAD = _HEADER.size + _NONCE_SIZE + 16 + 1
# Workers on several machines may disagree on the time by this much (seconds).
_CLOCK_SKEW = 60
# A page whose data has not changed gets the token sealed for it this recently again...
REUSE_SECONDS = 5
# ...remembered for this many pages (route ids) at most, the oldest forgotten first.
REUSE_PAGES = 128


def _key(secret: str) -> bytes:
    # marshal's format may change between Python versions: the version is part of the key,
    # so that a token sealed by another Python fails authentication instead of misreading.
    label = f"kite data token|python {sys.version_info[0]}.{sys.version_info[1]}|"
    label += f"marshal {marshal.version}|"
    return hashlib.sha256(label.encode() + secret.encode("utf-8")).digest()


class DataSealer:
    """Seals per-node load data into an opaque token, and opens it again."""

    def __init__(
        self,
        secret: str | None,
        *,
        fallbacks: Sequence[str] = (),
        max_size: int,
        max_age: int,
        reducers: Mapping[str, Callable[[Any], Any]],
        revivers: Mapping[str, Callable[[Any], Any]],
    ) -> None:
        # Without a configured secret each process makes its own: tokens then work only on
        # the process that sealed them, and the others fall back to running the loads.
        self._aead = AESGCM(_key(secret or secrets.token_urlsafe(32)))
        # Older secrets still open what they sealed, so that a secret can be replaced
        # without invalidating every page's token at once (docs/deployment.md, "Secrets").
        self._fallbacks = [AESGCM(_key(old)) for old in fallbacks if old and old != secret]
        self.max_size = max_size
        self.max_age = max_age
        self.reducers = reducers
        self.revivers = revivers
        # The last token sealed for each page: (plaintext, sealed at, token).
        self._recent: dict[int, tuple[bytes, int, str]] = {}

    def seal(self, folders: list[str], data: list[dict[str, Any]]) -> str | None:
        """The token for the data of these nodes (`folders` names each node: its folder's
        route id, the page's prefixed with `page:`), or None when it cannot or should not be
        sealed."""
        plaintext = self._encode([folders, data])
        if plaintext is None or (len(plaintext) + _OVERHEAD) * 4 // 3 > self.max_size:
            return None
        now = int(time.time())
        # By the hash of the page's route id, not the id itself: marshal marks the objects
        # that something else also references, so holding the id here would change the
        # bytes of the next seal. (Two ids with one hash share a place; their data differ.)
        page = hash(folders[-1]) if folders else 0
        recent = self._recent.get(page)
        # A busy page whose data is the same for everyone (a list of recent posts) would be
        # encrypted and encoded again on every view: the same bytes give the same token.
        # Only equal data shares a token, so it tells its holder nothing they do not have.
        if recent is not None and recent[0] == plaintext and now - recent[1] < REUSE_SECONDS:
            return recent[2]
        token = self._seal_bytes(plaintext, now)
        if token is None:
            return None
        if page not in self._recent and len(self._recent) >= REUSE_PAGES:
            del self._recent[next(iter(self._recent))]
        self._recent[page] = (plaintext, now, token)
        return token

    def _seal_bytes(self, plaintext: bytes, now: int) -> str | None:
        header = _HEADER.pack(now)
        nonce = os.urandom(_NONCE_SIZE)
        sealed = header + nonce + self._aead.encrypt(nonce, plaintext, header)
        # base64url without padding; str.replace is cheaper than urlsafe_b64encode's
        # bytes.translate on a token of a few kilobytes.
        text = binascii.b2a_base64(sealed, newline=False).decode("ascii").rstrip("=")
        token = text.replace("+", "-").replace("/", "_")
        return token if len(token) <= self.max_size else None

    def _encode(self, value: list[Any]) -> bytes | None:
        try:
            # marshal takes only the exact built-in types, and gives back exactly what the
            # loads returned (a tuple stays a tuple), which is what a re-render wants.
            return _MARSHAL + marshal.dumps(value)
        except ValueError:
            pass  # a type marshal does not know (a date, an object): devalue's turn
        try:
            return _DEVALUE + devalue.stringify(value, reducers=self.reducers).encode("utf-8")
        except devalue.DevalueError as exc:
            logger.debug("page data is not serializable, no data token: %s", exc)
            return None

    def open(self, token: str, folders: list[str]) -> list[dict[str, Any]]:
        """The data sealed in `token` for the leading nodes it shares with `folders` (all of
        them for the same page, the common layouts for another page); empty when the token
        is invalid, expired or foreign."""
        data = self._decode(token)
        if not isinstance(data, list) or len(data) != 2:
            return []
        sealed_folders, nodes = data
        if not isinstance(nodes, list) or not all(isinstance(node, dict) for node in nodes):
            return []
        shared: list[dict[str, Any]] = []
        for sealed, wanted, node in zip(sealed_folders, folders, nodes, strict=False):
            if sealed != wanted:
                break
            shared.append(node)
        return shared

    def _decode(self, token: str) -> Any:
        if len(token) > self.max_size:
            return None
        try:
            sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            header = sealed[: _HEADER.size]
            nonce = sealed[_HEADER.size : _HEADER.size + _NONCE_SIZE]
            (sealed_at,) = _HEADER.unpack(header)
            if not -_CLOCK_SKEW <= time.time() - sealed_at <= self.max_age:
                return None
            plaintext = self._decrypt(nonce, sealed[_HEADER.size + _NONCE_SIZE :], header)
            if plaintext is None:
                return None
            kind, body = plaintext[:1], plaintext[1:]
            if kind == _MARSHAL:
                return marshal.loads(body)
            if kind == _DEVALUE:
                return devalue.parse(body.decode("utf-8"), revivers=self.revivers)
        except (binascii.Error, struct.error, UnicodeError, ValueError, EOFError):
            return None
        return None

    def _decrypt(self, nonce: bytes, ciphertext: bytes, header: bytes) -> bytes | None:
        # The current secret first: after a rotation most tokens are new ones.
        for aead in (self._aead, *self._fallbacks):
            try:
                return aead.decrypt(nonce, ciphertext, header)
            except InvalidTag:
                continue
        return None
