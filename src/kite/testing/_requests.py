"""What the test client sends: a browser's headers, action URLs, form and multipart bodies.

Pure functions, shared by `Client` and `AsyncClient`: they turn a call such as
`client.action("/login", "login", {...}, enhanced=True)` into the method, URL, headers and
body a browser (or Kite's runtime) would send.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

__all__ = [
    "BROWSER_ACCEPT",
    "FileValue",
    "Files",
    "FormData",
    "Headers",
    "Outgoing",
    "action_request",
    "form_request",
    "merge_headers",
    "plain_request",
]

# What Chromium and Firefox send when they navigate or submit a form without JavaScript.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM_TYPE = "application/x-www-form-urlencoded"
# Browsers send Origin with every request that may change something, never with a plain GET
# navigation; Kite's cross-site check reads it on these.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What Kite's runtime (submit.js) adds to an enhanced submission, as SvelteKit's enhance does.
ENHANCED_HEADERS = {"accept": "application/json", "x-sveltekit-action": "true", "x-kite": "1"}

# A header given as None is not sent at all (to test a request without Origin, say).
Headers = Mapping[str, str | None]
# Form fields: a value, or a list of values for a field that appears more than once.
FormData = Mapping[str, str | Sequence[str]]
# A file: a path on disk, or (filename, content) or (filename, content, content type).
FileContent = bytes | str | IO[bytes]
FileValue = Path | tuple[str, FileContent] | tuple[str, FileContent, str]
Files = Mapping[str, FileValue | Sequence[FileValue]]


@dataclass
class Outgoing:
    """One request, ready for httpx: `files` (with `data`) makes a multipart body."""

    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None = None
    json_body: Any = None
    data: list[tuple[str, str]] = field(default_factory=list)
    files: list[tuple[str, tuple[str, FileContent, str]]] = field(default_factory=list)

    def httpx_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `httpx.Client.build_request` (and its async twin)."""
        arguments: dict[str, Any] = {"headers": self.headers}
        if self.files:
            # httpx writes the multipart body and its boundary from these.
            arguments["data"] = _grouped(self.data)
            arguments["files"] = self.files
        elif self.content is not None:
            arguments["content"] = self.content
        elif self.json_body is not None:
            arguments["json"] = self.json_body
        return arguments


def merge_headers(defaults: Mapping[str, str], *overrides: Headers | None) -> dict[str, str]:
    """Later mappings win, names compared case-insensitively; a value of None removes one."""
    merged = {name.lower(): value for name, value in defaults.items()}
    for mapping in overrides:
        for name, value in (mapping or {}).items():
            if value is None:
                merged.pop(name.lower(), None)
            else:
                merged[name.lower()] = value
    return merged


def browser_headers(method: str, origin: str) -> dict[str, str]:
    headers = {"accept": BROWSER_ACCEPT}
    if method.upper() in UNSAFE_METHODS:
        headers["origin"] = origin
    return headers


def plain_request(
    method: str,
    url: str,
    origin: str,
    headers: Headers | None,
    *,
    content: bytes | str | None = None,
    json_body: Any = None,
) -> Outgoing:
    """Any other request, with a browser's headers (and a body of the caller's)."""
    merged = merge_headers(browser_headers(method, origin), headers)
    body = content.encode("utf-8") if isinstance(content, str) else content
    return Outgoing(method.upper(), url, merged, content=body, json_body=json_body)


def form_request(
    method: str,
    url: str,
    origin: str,
    data: FormData | None,
    files: Files | None,
    headers: Headers | None,
    *extra: Headers,
) -> Outgoing:
    """A form submission as a browser sends it: urlencoded, or multipart when there are files.

    An empty form still has a body and a content type, as a browser's has.
    """
    fields = _fields(data)
    merged = merge_headers(browser_headers(method, origin), *extra, headers)
    method = method.upper()
    if files:
        return Outgoing(method, url, merged, data=fields, files=_files(files))
    merged.setdefault("content-type", FORM_TYPE)
    return Outgoing(method, url, merged, content=urlencode(fields).encode("ascii"))


def action_request(
    path: str,
    name: str | None,
    origin: str,
    data: FormData | None,
    files: Files | None,
    headers: Headers | None,
    *,
    enhanced: bool,
) -> Outgoing:
    """POST to the action `name` of the page at `path` (None: the default action)."""
    extra = ENHANCED_HEADERS if enhanced else {}
    return form_request("POST", action_url(path, name), origin, data, files, headers, extra)


def action_url(path: str, name: str | None) -> str:
    """`/login?redirectTo=/x` and `login` give `/login?/login&redirectTo=/x`."""
    if name is None:
        return path
    if name == "default":
        raise ValueError(
            'the action name "default" is reserved: Kite refuses ?/default with 400. '
            "Submit to the default action with name=None: client.action(path, None, data)"
        )
    if not name or name.startswith("/"):
        raise ValueError(f"{name!r} is not an action name; write it without ?/ (e.g. 'login')")
    parts = urlsplit(path)
    key = "/" + quote(name, safe="")
    query = f"{key}&{parts.query}" if parts.query else key
    return urlunsplit(parts._replace(query=query))


def _fields(data: FormData | None) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in (data or {}).items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise TypeError(
                f"form field {name!r} must be a str or a list of str, as a browser sends "
                f"text, not {value!r}; write str({value!r}) for a number"
            )
        pairs.extend((name, item) for item in values)
    return pairs


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _files(files: Files) -> list[tuple[str, tuple[str, FileContent, str]]]:
    parts: list[tuple[str, tuple[str, FileContent, str]]] = []
    for name, value in files.items():
        values = [value] if isinstance(value, Path | tuple) else list(value)
        parts.extend((name, _file(name, item)) for item in values)
    return parts


def _file(field_name: str, value: FileValue) -> tuple[str, FileContent, str]:
    if isinstance(value, Path):
        return value.name, value.read_bytes(), _guess_type(value.name)
    if len(value) == 2:
        filename, content = value
        return filename, content, _guess_type(filename)
    if len(value) == 3:
        return value
    raise TypeError(
        f"the file for field {field_name!r} must be a Path, (filename, content) or "
        f"(filename, content, content_type), not {value!r}"
    )


def _guess_type(filename: str) -> str:
    # A browser's choice for an unknown type, and for a file input left empty (filename "").
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
