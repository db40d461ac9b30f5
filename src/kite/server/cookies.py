"""``event.cookies``: read the request's cookies and set new ones, SvelteKit's way.

One ``Cookies`` object lives for one request. Cookies set during the request are visible to
``get`` straight away (an action's cookie is seen by the load that runs after it), and each
becomes one ``Set-Cookie`` header on whatever response the request ends with.

The class only parses and formats strings; the request pipeline constructs it from the
request and copies ``set_cookie_headers()`` onto the response.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from itertools import count
from typing import Literal, TypedDict, Unpack
from urllib.parse import quote, unquote

__all__ = [
    "MAX_COOKIE_SIZE",
    "MAX_REQUEST_COOKIES",
    "CookieOptions",
    "Cookies",
    "DeleteOptions",
    "SameSite",
    "parse_cookie_header",
]

#: Browsers discard a cookie whose name and value together exceed this many bytes
#: (RFC 6265bis §5.6); in development ``set`` raises instead of letting that happen silently.
MAX_COOKIE_SIZE = 4096

#: Only the first this-many pairs of a ``Cookie`` header are read, so that a hostile header
#: costs bounded work. Browsers store far fewer per site (Chromium: 180).
MAX_REQUEST_COOKIES = 500

SameSite = Literal["lax", "strict", "none"]

_SAMESITE_VALUES = {"lax": "Lax", "strict": "Strict", "none": "None"}

# RFC 6265 §4.1.1: a cookie name is an RFC 2616 token.
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
_DOMAIN_CHARS = frozenset("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# What encodeURIComponent leaves alone, besides the letters, digits and "-_." quote() keeps.
_VALUE_SAFE = "!~*'()"
# Characters a URL path keeps as they are; ";" is left out because it ends a cookie attribute.
_PATH_SAFE = "/%:@!$&'()*+,=~"
# A "%" that does not start an escape makes decodeURIComponent throw; the value is kept raw.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


class CookieOptions(TypedDict, total=False):
    """The keyword arguments of ``Cookies.set`` and ``Cookies.serialize``."""

    path: str
    domain: str | None
    max_age: int | None
    expires: datetime | str | None
    httponly: bool
    secure: bool | None
    samesite: SameSite | str | None
    partitioned: bool


class DeleteOptions(TypedDict, total=False):
    """The extra keyword arguments of ``Cookies.delete``; ``max_age`` is accepted and ignored."""

    max_age: int | None
    expires: datetime | str | None
    httponly: bool
    secure: bool | None
    samesite: SameSite | str | None
    partitioned: bool


def parse_cookie_header(header: str | None) -> dict[str, str]:
    """The cookies of a request ``Cookie`` header, names to percent-decoded values.

    Never raises: pairs without ``=`` or without a name are skipped, a value in double quotes
    loses them, and a value that does not percent-decode cleanly is kept as sent. When a name
    appears twice the first one wins, since browsers send the cookie with the most specific
    path first. Only the first ``MAX_REQUEST_COOKIES`` pairs are read.
    """
    cookies: dict[str, str] = {}
    if not header:
        return cookies
    for pair in header.split(";", MAX_REQUEST_COOKIES)[:MAX_REQUEST_COOKIES]:
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name or name in cookies:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies[name] = _decode(value)
    return cookies


def _decode(value: str) -> str:
    if "%" not in value or _BAD_ESCAPE.search(value):
        return value
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value


def _encode(name: str, value: str) -> str:
    try:
        return quote(value, safe=_VALUE_SAFE)
    except UnicodeEncodeError:
        raise ValueError(
            f'Cookie "{name}" has a value that is not valid Unicode text '
            "(it contains a lone surrogate); it cannot be encoded as UTF-8"
        ) from None


def _hostname(host: str) -> str:
    """``host`` without its port, lower-cased, IPv6 literals in brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    if host.count(":") > 1:
        return f"[{host}]"
    return host.partition(":")[0]


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 for a path that starts with "/"."""
    segments = path.split("/")[1:]
    output: list[str] = []
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
            continue
        # "/a/." and "/a/b/.." name a directory, so the result ends with "/".
        if is_last:
            output.append("")
    return "/" + "/".join(output)


def _resolve_path(current: str, path: str) -> str:
    if path == "":
        return current
    if not path.startswith("/"):
        path = current[: current.rfind("/") + 1] + path
    return _remove_dot_segments(path)


def _path_matches(path: str, constraint: str) -> bool:
    """RFC 6265 §5.1.4: ``constraint`` is ``path`` or one of its parent directories."""
    prefix = constraint.removesuffix("/")
    return path == prefix or path.startswith(prefix + "/")


def _domain_matches(hostname: str, domain: str | None) -> bool:
    if not domain:
        return True
    domain = domain.lower().removeprefix(".")
    return hostname == domain or hostname.endswith("." + domain)


def _check_attribute(cookie: str, attribute: str, value: str) -> None:
    if not value.isascii() or not value.isprintable() or ";" in value:
        raise ValueError(
            f'Cookie "{cookie}" has an invalid {attribute} {value!r}: it must be printable ASCII '
            'without ";" (percent-encode other characters)'
        )


@dataclass(slots=True)
class _Cookie:
    name: str
    value: str
    encoded: str
    domain: str | None
    path: str
    max_age: int | None
    expires: str | None
    httponly: bool
    secure: bool
    samesite: str | None
    partitioned: bool
    order: int = 0

    @property
    def deleted(self) -> bool:
        return self.max_age is not None and self.max_age <= 0

    def header(self) -> str:
        parts = [f"{self.name}={self.encoded}"]
        if self.domain:
            parts.append(f"Domain={self.domain}")
        parts.append(f"Path={self.path}")
        if self.expires is not None:
            parts.append(f"Expires={self.expires}")
        if self.max_age is not None:
            parts.append(f"Max-Age={self.max_age}")
        if self.httponly:
            parts.append("HttpOnly")
        if self.secure:
            parts.append("Secure")
        if self.samesite is not None:
            parts.append(f"SameSite={self.samesite}")
        if self.partitioned:
            parts.append("Partitioned")
        return "; ".join(parts)


class Cookies:
    """The cookies of one request: ``event.cookies`` in loads, actions, hooks and endpoints.

    ``get`` and ``get_all`` read the request's ``Cookie`` header, overlaid with the cookies set
    earlier in the same request. ``set`` and ``delete`` add a ``Set-Cookie`` header to the
    response, whichever response that turns out to be (page, action result, redirect, error).

    Defaults are the safe ones: ``path="/"``, ``httponly=True``, ``samesite="lax"``, and
    ``secure=True`` except on plain ``http://`` to ``localhost``, ``127.0.0.1`` or ``[::1]``
    (and on plain ``http://`` in development), where a browser would refuse a ``Secure``
    cookie. A relative ``path`` is resolved against the current URL: ``""`` is the current
    path, ``"."`` its directory, ``"x"`` a sibling. Values are percent-encoded like
    JavaScript's ``encodeURIComponent`` on the way out and decoded once on the way in, so any
    string survives the round trip.

    Example, in ``+page.server.py``::

        def load(event):
            return {"theme": event.cookies.get("theme") or "light"}

        async def set_theme(event):
            form = await event.request.form()
            event.cookies.set("theme", form["theme"], max_age=60 * 60 * 24 * 365)

        def logout(event):
            event.cookies.delete("session")

        actions = {"set_theme": set_theme, "logout": logout}

    :param cookie_header: the request's ``Cookie`` header, if any.
    :param url_scheme: ``"http"`` or ``"https"``, as seen by the browser (after trusted
        proxy headers).
    :param url_host: the request host, with or without a port.
    :param url_path: the request path as it appears in the URL, percent-encoded; relative
        cookie paths are resolved against it.
    :param dev: development mode: ``secure`` defaults to False on plain ``http://`` to any
        host, and a cookie too large for browsers raises ``ValueError``.
    """

    def __init__(
        self,
        cookie_header: str | None,
        *,
        url_scheme: str,
        url_host: str,
        url_path: str,
        dev: bool = False,
    ) -> None:
        self._request_cookies = parse_cookie_header(cookie_header)
        self._hostname = _hostname(url_host)
        self._url_path = url_path
        self._dev = dev
        plain_http = url_scheme.lower() == "http"
        self._default_secure = not (plain_http and (dev or self._hostname in _LOCAL_HOSTS))
        self._new: dict[tuple[str, str, str], _Cookie] = {}
        self._counter = count(1)

    @functools.cached_property
    def _path(self) -> str:
        # Only setting or reading back a cookie set during this request needs it, and
        # most requests do neither.
        return quote(self._url_path or "/", safe=_PATH_SAFE)

    def get(self, name: str) -> str | None:
        """The value of cookie ``name``, or None.

        A cookie set during this request for the current URL wins over the request's
        (the one with the most specific path, if several); one deleted during this request
        reads as None.
        """
        cookie = self._visible_new().get(name)
        if cookie is not None:
            return None if cookie.deleted else cookie.value
        return self._request_cookies.get(name)

    def get_all(self) -> dict[str, str]:
        """All cookies, names to values: the request's, overlaid as ``get`` would."""
        cookies = dict(self._request_cookies)
        for name, cookie in self._visible_new().items():
            if cookie.deleted:
                cookies.pop(name, None)
            else:
                cookies[name] = cookie.value
        return cookies

    def set(
        self,
        name: str,
        value: str,
        *,
        path: str = "/",
        domain: str | None = None,
        max_age: int | None = None,
        expires: datetime | str | None = None,
        httponly: bool = True,
        secure: bool | None = None,
        samesite: SameSite | str | None = "lax",
        partitioned: bool = False,
    ) -> None:
        """Set cookie ``name`` to ``value`` (a ``str``) on the response.

        Setting the same ``(domain, path, name)`` again in this request replaces the earlier
        one. ``secure=None`` means the default described on the class; ``samesite=None``
        leaves the attribute out; ``expires`` is a ``datetime`` (naive means UTC) or a
        preformatted HTTP date.

        Raises ``ValueError`` for a name that is not an RFC 6265 token, ``samesite="none"``
        with ``secure=False`` (browsers drop such cookies), a path or domain that cannot be
        written in a header, and, in development, a cookie larger than browsers keep.
        """
        cookie = self._build(
            name,
            value,
            path=path,
            domain=domain,
            max_age=max_age,
            expires=expires,
            httponly=httponly,
            secure=secure,
            samesite=samesite,
            partitioned=partitioned,
        )
        if self._dev and len(cookie.name) + len(cookie.encoded) > MAX_COOKIE_SIZE:
            raise ValueError(f'Cookie "{name}" is too large, and will be discarded by the browser')
        cookie.order = next(self._counter)
        domain_key = (cookie.domain or "").lower().removeprefix(".")
        self._new[(domain_key, cookie.path, cookie.name)] = cookie

    def delete(
        self,
        name: str,
        *,
        path: str = "/",
        domain: str | None = None,
        **options: Unpack[DeleteOptions],
    ) -> None:
        """Delete cookie ``name``: set it to ``""`` with ``Max-Age=0``.

        ``path`` and ``domain`` must be those the cookie was set with, or the browser keeps
        it. Takes the other options of ``set`` with the same defaults; ``max_age`` is
        ignored, so that the options of a ``set`` call can be passed along unchanged.
        """
        self.set(
            name,
            "",
            path=path,
            domain=domain,
            max_age=0,
            expires=options.get("expires"),
            httponly=options.get("httponly", True),
            secure=options.get("secure"),
            samesite=options.get("samesite", "lax"),
            partitioned=options.get("partitioned", False),
        )

    def serialize(self, name: str, value: str, **options: Unpack[CookieOptions]) -> str:
        """A ``Set-Cookie`` header value with the defaults of ``set``, without setting it."""
        return self._build(
            name,
            value,
            path=options.get("path", "/"),
            domain=options.get("domain"),
            max_age=options.get("max_age"),
            expires=options.get("expires"),
            httponly=options.get("httponly", True),
            secure=options.get("secure"),
            samesite=options.get("samesite", "lax"),
            partitioned=options.get("partitioned", False),
        ).header()

    def set_cookie_headers(self) -> list[str]:
        """One ``Set-Cookie`` value per cookie set or deleted in this request, in order set."""
        return [cookie.header() for cookie in self._new.values()]

    def _visible_new(self) -> dict[str, _Cookie]:
        """For each name, the cookie set in this request that the current URL would see.

        The longest path wins, as a browser sends it first; on a tie, the one set last.
        """
        best: dict[str, _Cookie] = {}
        for cookie in self._new.values():
            if not (
                _domain_matches(self._hostname, cookie.domain)
                and _path_matches(self._path, cookie.path)
            ):
                continue
            current = best.get(cookie.name)
            if current is None or (len(cookie.path), cookie.order) > (
                len(current.path),
                current.order,
            ):
                best[cookie.name] = cookie
        return best

    def _build(
        self,
        name: str,
        value: str,
        *,
        path: str,
        domain: str | None,
        max_age: int | None,
        expires: datetime | str | None,
        httponly: bool,
        secure: bool | None,
        samesite: str | None,
        partitioned: bool,
    ) -> _Cookie:
        _check_name_value(name, value, max_age)
        resolved_path = _resolve_path(self._path, path)
        _check_attribute(name, "path", resolved_path)
        same_site = _same_site(name, samesite, secure)
        return _Cookie(
            name=name,
            value=value,
            encoded=_encode(name, value),
            domain=_domain(name, domain),
            path=resolved_path,
            max_age=max_age,
            expires=_expires(name, expires),
            httponly=httponly,
            secure=self._default_secure if secure is None else secure,
            samesite=same_site,
            partitioned=partitioned,
        )


def _check_name_value(name: str, value: str, max_age: int | None) -> None:
    if not isinstance(name, str) or not name or not all(c in _TOKEN_CHARS for c in name):
        raise ValueError(
            f"Invalid cookie name {name!r}: use letters, digits and !#$%&'*+-.^_`|~ only "
            "(an RFC 6265 token; no spaces, quotes, '=' or ';')"
        )
    if not isinstance(value, str):
        raise TypeError(
            f'Cookie "{name}" value must be a str, not {type(value).__name__}; '
            "convert it first, for example with str() or json.dumps()"
        )
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool)):
        raise TypeError(
            f'Cookie "{name}" max_age must be an int number of seconds, '
            f"not {type(max_age).__name__}"
        )


def _domain(name: str, domain: str | None) -> str | None:
    if not domain:
        return None
    if not all(c in _DOMAIN_CHARS for c in domain):
        raise ValueError(
            f'Cookie "{name}" has an invalid domain {domain!r}: write a host name such '
            'as "example.com", or leave domain out to limit the cookie to this host'
        )
    return domain


def _same_site(name: str, samesite: str | None, secure: bool | None) -> str | None:
    if samesite is None:
        return None
    same_site = _SAMESITE_VALUES.get(samesite.lower()) if isinstance(samesite, str) else None
    if same_site is None:
        raise ValueError(
            f'Cookie "{name}" has an invalid samesite {samesite!r}: '
            'use "lax", "strict", "none", or None to leave the attribute out'
        )
    if same_site == "None" and secure is False:
        raise ValueError(
            f'Cookie "{name}" has samesite="none" with secure=False: browsers drop such '
            'cookies. Leave secure at its default, or use samesite="lax"'
        )
    return same_site


def _expires(name: str, expires: datetime | str | None) -> str | None:
    if isinstance(expires, datetime):
        aware = expires.replace(tzinfo=UTC) if expires.tzinfo is None else expires.astimezone(UTC)
        return format_datetime(aware, usegmt=True)
    if expires is not None:
        _check_attribute(name, "expires", expires)
    return expires
