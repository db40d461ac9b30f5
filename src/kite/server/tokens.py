"""The data token: a page's load data, sealed so that the browser can hand it back for a
re-render without running the loads (see docs/runtime-design.md)."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from kite import devalue

__all__ = ["DataSealer"]

logger = logging.getLogger("kite")


class DataSealer:
    """Seals per-node load data into an opaque token, and opens it again.

    Fernet encrypts and authenticates: the browser can neither read the data nor change it.
    """

    def __init__(
        self,
        secret: str | None,
        *,
        max_size: int,
        max_age: int,
        reducers: Mapping[str, Callable[[Any], Any]],
        revivers: Mapping[str, Callable[[Any], Any]],
    ) -> None:
        # Without a configured secret each process makes its own: tokens then work only on
        # the process that sealed them, and the others fall back to running the loads.
        secret = secret or secrets.token_urlsafe(32)
        key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())
        self._fernet = Fernet(key)
        self.max_size = max_size
        self.max_age = max_age
        self.reducers = reducers
        self.revivers = revivers

    def seal(self, folders: list[str], data: list[dict[str, Any]]) -> str | None:
        """The token for the data of these nodes (`folders` names each node: its folder's
        route id, the page's prefixed with `page:`), or None when it cannot or should not be
        sealed."""
        try:
            text = devalue.stringify([folders, data], reducers=self.reducers)
        except devalue.DevalueError as exc:
            logger.debug("page data is not serializable, no data token: %s", exc)
            return None
        if len(text) * 4 // 3 > self.max_size:
            return None
        token = self._fernet.encrypt(text.encode("utf-8")).decode("ascii")
        return token if len(token) <= self.max_size else None

    def open(self, token: str, folders: list[str]) -> list[dict[str, Any]]:
        """The data sealed in `token` for the leading nodes it shares with `folders` (all of
        them for the same page, the common layouts for another page); empty when the token
        is invalid, expired or foreign."""
        if len(token) > self.max_size:
            return []
        try:
            text = self._fernet.decrypt(token.encode("ascii"), ttl=self.max_age).decode("utf-8")
            data = devalue.parse(text, revivers=self.revivers)
        except (InvalidToken, UnicodeError, ValueError):
            return []
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
