"""What `kite build` needs to know without touching a disk: the URL of a route for given
parameters (from `entries()`), the links of a rendered page (which it follows), and the
files a prerendered page is written to — pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from kite.sansio.routing import path_segments, split_segment

__all__ = ["EntryError", "links_of", "output_files", "route_path"]


class EntryError(ValueError):
    """Parameters from `entries()` that do not fit the route."""


def route_path(route_id: str, params: Mapping[str, str]) -> str:
    """The (percent-encoded) URL path of `route_id` with `params` filled in."""
    segments: list[str] = []
    used: set[str] = set()
    for segment in path_segments(route_id):
        text = ""
        for part in split_segment(segment):
            if part.kind == "static":
                text += quote(part.content, safe="")
                continue
            used.add(part.content)
            value = params.get(part.content)
            if value is not None and not isinstance(value, str):
                raise EntryError(
                    f"the value of '{part.content}' is {value!r}; parameters are strings"
                )
            if part.kind == "required" and not value:
                raise EntryError(f"the parameter '{part.content}' is missing or empty")
            if value and any(piece in (".", "..") for piece in value.split("/")):
                raise EntryError(
                    f"the value of '{part.content}' is {value!r}; '.' and '..' would leave "
                    "the route's folder"
                )
            if part.kind == "rest":
                text += "/".join(quote(piece, safe="") for piece in (value or "").split("/"))
            else:
                text += quote(value or "", safe="")
        if text:
            segments.append(text)
    unknown = sorted(set(params) - used)
    if unknown:
        raise EntryError(f"the route has no parameter named {', '.join(map(repr, unknown))}")
    return "/" + "/".join(segments)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        # A download or another window is not a page of this site to crawl.
        if href and "download" not in values and values.get("rel") != "external":
            self.hrefs.append(href)


def links_of(document: str, page_url: str) -> list[str]:
    """The paths on the same origin that the page's `<a href>` point to, without query or
    fragment, in the order they appear."""
    parser = _Links()
    parser.feed(document)
    parser.close()
    own = urlsplit(page_url)
    found: list[str] = []
    for href in parser.hrefs:
        target = urlsplit(urljoin(page_url, href.strip()))
        if (target.scheme, target.netloc) != (own.scheme, own.netloc) or not target.path:
            continue
        # Kept percent-encoded; characters a page wrote raw are encoded as a browser would.
        path = quote(target.path, safe="/%!$&'()*+,;=:@~-._")
        if path not in found:
            found.append(path)
    return found


def output_files(path: str, trailing_slash: str) -> list[str]:
    """Where a page prerendered at `path` (decoded) is written, relative to the output folder.

    `about.html` is what static hosts with "clean URLs" serve for `/about`;
    `about/index.html` is what any static server serves for `/about/` (and after redirecting
    `/about` there). A page whose URL ends in a slash gets only the second.
    """
    body = path.strip("/")
    if not body:
        return ["index.html"]
    if trailing_slash == "always":
        return [f"{body}/index.html"]
    return [f"{body}.html", f"{body}/index.html"]
