"""Content-Security-Policy: the `[csp]` table of `kite.toml`, a fresh nonce per response,
and hashes of inline scripts.

```toml
[csp]
mode = "auto"            # "nonce", "hash" or "auto"
report_only = false      # true: Content-Security-Policy-Report-Only, nothing is blocked
[csp.directives]
script-src = ["'self'"]
object-src = ["'none'"]
```

Kite writes inline scripts of its own (the import map; the page state is JSON, which no
policy governs). With `nonce` and `auto` each rendered page gets a fresh nonce, on Kite's
scripts, in `{{ csp_nonce }}` for the templates' own, and in `script-src`; `auto` also
hashes the inline scripts a template wrote without the nonce. With `hash` no nonce is
made: every inline script of the page is hashed into `script-src`. A prerendered page was
written before any request, so it carries no nonce: Kite's import map is allowed by its
hash, whatever the mode.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.responses import Response

from kite.exceptions import KiteError
from kite.server.event import current_event

__all__ = ["CspPolicy", "NonceText", "apply_csp", "nonce_for", "parse_csp", "script_hash"]

MODES = ("nonce", "hash", "auto")
_SCOPE_KEY = "kite.csp_nonce"
# Inline scripts of a rendered page: attributes and text (a script element's text ends at
# the first "</script", whatever its case).
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
_NONCE = re.compile(r"\snonce\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
# Types a browser runs (or reads as an import map), so the policy governs them.
_GOVERNED = frozenset(
    ("", "module", "importmap", "text/javascript", "application/javascript", "text/ecmascript")
)
_DIRECTIVE = re.compile(r"[a-z][a-z-]*")


@dataclass(frozen=True)
class CspPolicy:
    """The app's policy, checked when the settings are read."""

    directives: tuple[tuple[str, tuple[str, ...]], ...]
    mode: str = "auto"
    report_only: bool = False

    @property
    def header_name(self) -> str:
        if self.report_only:
            return "content-security-policy-report-only"
        return "content-security-policy"

    @property
    def uses_nonce(self) -> bool:
        return self.mode in ("nonce", "auto")

    def header(self, nonce: str | None, hashes: tuple[str, ...] = ()) -> str:
        """The header's value: the directives, with the nonce and the hashes added to
        `script-src` (or to `default-src` when only that one governs scripts)."""
        extra = tuple(f"'sha256-{digest}'" for digest in hashes)
        if nonce:
            extra = (f"'nonce-{nonce}'", *extra)
        names = [name for name, _ in self.directives]
        target = "script-src" if "script-src" in names or "default-src" not in names else ""
        target = target or "default-src"
        parts: list[str] = []
        for name, sources in self.directives:
            if name == target and extra and "'unsafe-inline'" not in sources:
                sources = (*sources, *extra)
            parts.append(" ".join((name, *sources)))
        # Kite's default framing policy lives in this header too: it stays unless the
        # directives say otherwise.
        if not self.report_only and "frame-ancestors" not in names:
            parts.append("frame-ancestors 'self'")
        return "; ".join(parts)


def parse_csp(table: Any, path: Path) -> CspPolicy | None:
    """The `[csp]` table as a policy; None when there is none."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise KiteError(f"{path}: 'csp' must be a table: [csp]")
    mode = table.get("mode", "auto")
    if mode not in MODES:
        raise KiteError(f'{path}: csp.mode must be "nonce", "hash" or "auto", not {mode!r}')
    report_only = table.get("report_only", False)
    if not isinstance(report_only, bool):
        raise KiteError(f"{path}: csp.report_only must be true or false, not {report_only!r}")
    raw = table.get("directives", {"script-src": ["'self'"]})
    if not isinstance(raw, dict) or not raw:
        raise KiteError(
            f"{path}: csp.directives must be a table of directives, e.g. "
            "[csp.directives] script-src = [\"'self'\"]"
        )
    directives: list[tuple[str, tuple[str, ...]]] = []
    for name, value in raw.items():
        sources = [value] if isinstance(value, str) else value
        if not _DIRECTIVE.fullmatch(name) or not isinstance(sources, list):
            raise KiteError(
                f"{path}: csp.directives.{name}: a directive is a lower-case name with a "
                "list of sources, e.g. script-src = [\"'self'\"]"
            )
        for source in sources:
            if not isinstance(source, str) or not _is_source(source):
                raise KiteError(
                    f"{path}: csp.directives.{name}: {source!r} is not a source (one word "
                    "without ; or , — quote keywords: \"'self'\", \"'none'\")"
                )
        directives.append((name, tuple(sources)))
    return CspPolicy(tuple(directives), mode, report_only)


def _is_source(source: str) -> bool:
    if not source or any(ch in source for ch in ";,\r\n\x00 \t"):
        return False
    try:
        source.encode("ascii")
    except UnicodeEncodeError:
        return False
    return True


def nonce_for(scope: MutableMapping[str, Any]) -> str:
    """The nonce of this request, made on first use: one per response."""
    nonce: str | None = scope.get(_SCOPE_KEY)
    if nonce is None:
        nonce = scope[_SCOPE_KEY] = secrets.token_urlsafe(18)
    return nonce


def used_nonce(scope: Mapping[str, Any]) -> str | None:
    result: str | None = scope.get(_SCOPE_KEY)
    return result


class NonceText:
    """`{{ csp_nonce }}` in templates: the nonce of the request being rendered ("" when the
    app has no nonce policy), so that a template's own inline script can carry it."""

    def __init__(self, policy: CspPolicy | None) -> None:
        self._policy = policy

    def __str__(self) -> str:
        event = current_event()
        if self._policy is None or not self._policy.uses_nonce or event is None:
            return ""
        return nonce_for(event.request.scope)

    def __html__(self) -> str:
        # A nonce is base64url: nothing in it needs escaping.
        return str(self)


def script_hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def inline_hashes(document: bytes, *, without_nonce: bool) -> tuple[str, ...]:
    """The hashes of the inline scripts in `document` that the policy governs (those
    without a nonce only, when `without_nonce`)."""
    if b"<script" not in document and b"<SCRIPT" not in document:
        return ()
    found: list[str] = []
    for match in _SCRIPT.finditer(document.decode("utf-8", "replace")):
        attributes, text = match.groups()
        if _SRC.search(attributes) or (without_nonce and _NONCE.search(attributes)):
            continue
        kind = _TYPE.search(attributes)
        if (kind.group(1).lower() if kind else "") not in _GOVERNED:
            continue
        digest = script_hash(text)
        if digest not in found:
            found.append(digest)
    return tuple(found)


def apply_csp(
    response: Response,
    policy: CspPolicy,
    scope: Mapping[str, Any],
    *,
    kept: Mapping[str, str] | None = None,
    prerendered_hashes: tuple[str, ...] = (),
) -> Response:
    """Put the policy on an HTML response, with the nonce its page was rendered with and
    the hashes its mode asks for; a header the app set itself (event.set_headers) wins."""
    name = policy.header_name
    if (kept and name in kept) or name.encode() in {key for key, _ in response.raw_headers}:
        return response
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        return response
    nonce = used_nonce(scope) if policy.uses_nonce else None
    hashes = prerendered_hashes
    body = getattr(response, "body", None)
    if policy.mode != "nonce" and isinstance(body, bytes):
        hashes += inline_hashes(body, without_nonce=policy.mode == "auto")
    response.headers[name] = policy.header(nonce, hashes)
    return response
