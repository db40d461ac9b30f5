"""Page options (`csr`, `prerender`, `trailing_slash`): checking the values a route module
declares, inheriting them down the layouts, and the trailing-slash rule — pure functions.

As in SvelteKit, a `+layout.server.py` sets an option for every page below it and a deeper
layout or the page itself overrides it; docs/page-options.md has the details.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "OPTION_NAMES",
    "PageOptionError",
    "PageOptions",
    "declared_options",
    "normalize_path",
    "resolve_options",
]

TrailingSlash = Literal["never", "always", "ignore"]
Prerender = bool | Literal["auto"]

OPTION_NAMES = ("csr", "prerender", "trailing_slash")

# SvelteKit's spellings, and options Kite does not have, each with what to write instead.
_MISSPELLINGS = {
    "trailingSlash": "write it in Python's style: trailing_slash = ...",
    "trailing_slashes": "the option is trailing_slash (singular)",
    "ssr": "Kite always renders pages on the server, so there is no ssr option; remove it",
    "CSR": "page options are lower case: csr = False",
    "PRERENDER": "page options are lower case: prerender = True",
}

_ALLOWED: dict[str, tuple[Any, ...]] = {
    "csr": (True, False),
    "prerender": (True, False, "auto"),
    "trailing_slash": ("never", "always", "ignore"),
}

_EXAMPLES = {
    "csr": "csr = False (the page ships no JavaScript) or csr = True (the default)",
    "prerender": 'prerender = True, prerender = "auto" or prerender = False (the default)',
    "trailing_slash": 'trailing_slash = "never" (the default), "always" or "ignore"',
}


class PageOptionError(ValueError):
    """A page option with a value it cannot have, or a misspelt one."""


@dataclass(frozen=True)
class PageOptions:
    """The options in force for one page, after inheritance."""

    csr: bool = True
    prerender: Prerender = False
    trailing_slash: TrailingSlash = "never"


def declared_options(exports: Mapping[str, Any]) -> dict[str, Any]:
    """The page options a module's globals declare; PageOptionError for a bad value."""
    for name, hint in _MISSPELLINGS.items():
        if name in exports:
            raise PageOptionError(f"'{name}' is not a page option: {hint}")
    declared: dict[str, Any] = {}
    for name in OPTION_NAMES:
        if name not in exports:
            continue
        value = exports[name]
        # `1 == True` in Python: the type is checked too, so that csr = 1 is refused.
        if not any(type(value) is type(ok) and value == ok for ok in _ALLOWED[name]):
            raise PageOptionError(
                f"{name} = {value!r} is not a valid value; write {_EXAMPLES[name]}"
            )
        declared[name] = value
    return declared


def resolve_options(chain: Iterable[Mapping[str, Any]]) -> PageOptions:
    """The options for a page from what each node declares, root layout first, page last:
    the deepest declaration of each option wins."""
    merged: dict[str, Any] = {}
    for declared in chain:
        merged.update(declared)
    return PageOptions(**merged)


def normalize_path(path: str, trailing_slash: TrailingSlash) -> str:
    """The path as the option wants it; the caller redirects when it differs.

    Leading slashes are collapsed as well, so that the result can never be read as a
    protocol-relative URL (`//evil.example/` becomes `/evil.example`).
    """
    if path == "/" or trailing_slash == "ignore":
        return path
    body = path.strip("/")
    if not body:
        return "/"
    return f"/{body}/" if trailing_slash == "always" else f"/{body}"
