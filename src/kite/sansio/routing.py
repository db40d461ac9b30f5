"""Route ids: parsing, ranking, conflicts and matching — pure functions, no I/O.

A route id is the folder path below `src/routes` with a leading slash: `/blog/[slug]`.
Folder names follow SvelteKit: `[param]`, `[[optional]]`, `[...rest]` and `(group)`, which
does not appear in the URL. Required parameters may share a segment with static text
(`[name]-[id]`); optional and rest parameters fill a whole segment.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from functools import cmp_to_key
from urllib.parse import unquote

__all__ = [
    "Param",
    "RouteIdError",
    "RouteMatcher",
    "RoutePattern",
    "affects_path",
    "conflict_key",
    "decode_path",
    "match_linear",
    "parse_route_id",
    "sort_route_ids",
]

_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RouteIdError(ValueError):
    """A folder name that cannot be a route segment."""


@dataclass(frozen=True)
class Param:
    name: str
    optional: bool = False
    rest: bool = False


@dataclass(frozen=True)
class Part:
    kind: str  # "static", "required", "optional" or "rest"
    content: str  # the static text, or the parameter name


@dataclass(frozen=True)
class RoutePattern:
    route_id: str
    source: str  # the regular expression, compiled when the route is first tried
    params: tuple[Param, ...] = field(default=())

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        # Compiling thousands of patterns at start-up took longer than everything else
        # there; most routes of a large app are never tried by most processes.
        return re.compile(self.source)

    def match(self, decoded_path: str) -> dict[str, str] | None:
        """Parameters for a path from `decode_path`, or None when it does not match."""
        found = self.regex.match(decoded_path)
        if found is None:
            return None
        params: dict[str, str] = {}
        for param, value in zip(self.params, found.groups(), strict=True):
            if value is None:
                if param.rest:
                    params[param.name] = ""
                continue  # an absent [[optional]] is absent from params
            params[param.name] = _unescape(value)
        return params


def match_linear(
    patterns: list[RoutePattern], decoded_path: str
) -> tuple[int, dict[str, str]] | None:
    """The first pattern (in ranking order) that matches, trying each in turn: the
    reference that `RouteMatcher` must agree with."""
    for index, pattern in enumerate(patterns):
        params = pattern.match(decoded_path)
        if params is not None:
            return index, params
    return None


class _Node:
    __slots__ = ("candidates", "children", "own")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.own: list[int] = []  # routes whose leading static segments end here
        self.candidates: list[int] = []  # own and every ancestor's, in ranking order


class RouteMatcher:
    """Finds the first of `patterns` (in ranking order) that matches a path, in time that
    does not grow with the number of routes.

    A route can only match a path that starts with its leading static segments (`/blog`
    of `/blog/[slug]`), so the routes sit in a tree of those segments. A path walks down
    its own segments as far as the tree goes, and the node it stops at lists the only
    routes that can match it — its own and those of the nodes above (a route that starts
    with a parameter, `/[lang]/about`, sits at the root) — already in ranking order, which
    is the order they are tried in. The answer is the same as `match_linear`'s.
    """

    def __init__(self, patterns: list[RoutePattern]) -> None:
        self.patterns = patterns
        self._root = _Node()
        for index, pattern in enumerate(patterns):
            node = self._root
            for segment in _leading_static(pattern.route_id):
                node = node.children.setdefault(segment, _Node())
            node.own.append(index)
        self._fill(self._root, [])

    def _fill(self, node: _Node, above: list[int]) -> None:
        node.candidates = sorted(above + node.own) if node.own else above
        for child in node.children.values():
            self._fill(child, node.candidates)

    def match(self, decoded_path: str) -> tuple[int, dict[str, str]] | None:
        node = self._root
        for segment in decoded_path.split("/")[1:]:
            child = node.children.get(segment)
            if child is None:
                break
            node = child
        patterns = self.patterns
        for index in node.candidates:
            params = patterns[index].match(decoded_path)
            if params is not None:
                return index, params
        return None


def _leading_static(route_id: str) -> list[str]:
    """The URL segments a route starts with that are plain text, as `decode_path` writes
    them (`%` and `/` escaped)."""
    leading = []
    for segment in path_segments(route_id):
        parts = split_segment(segment)
        if len(parts) != 1 or parts[0].kind != "static":
            break
        leading.append(_escape(parts[0].content))
    return leading


def affects_path(segment: str) -> bool:
    """`(group)` folders organise routes without appearing in the URL."""
    return not (segment.startswith("(") and segment.endswith(")"))


def split_segment(segment: str) -> list[Part]:
    """Split one folder name into static text and parameters; raise on a malformed name."""
    parts: list[Part] = []
    position = 0
    while position < len(segment):
        start = segment.find("[", position)
        stray = segment.find("]", position)
        if stray != -1 and (start == -1 or stray < start):
            raise RouteIdError(f"unbalanced ']' in folder name '{segment}'")
        if start == -1:
            parts.append(Part("static", segment[position:]))
            break
        if start > position:
            parts.append(Part("static", segment[position:start]))
        optional = segment.startswith("[[", start)
        end = segment.find("]]" if optional else "]", start)
        if end == -1:
            raise RouteIdError(
                f"folder name '{segment}' has a '[' without its closing "
                f"'{']]' if optional else ']'}' — write [name], [[name]] or [...name]"
            )
        inner = segment[start + (2 if optional else 1) : end]
        position = end + (2 if optional else 1)
        rest = inner.startswith("...")
        name = inner[3:] if rest else inner
        if "=" in name:
            raise RouteIdError(
                f"folder name '{segment}' uses a parameter matcher ('{name}'); Kite has no "
                "matchers — validate the parameter in load() and call error(404) instead"
            )
        if not _PARAM_NAME.match(name):
            raise RouteIdError(
                f"'{name}' in folder name '{segment}' is not a valid parameter name "
                "(letters, digits and _, not starting with a digit)"
            )
        if optional and rest:
            raise RouteIdError(
                f"folder name '{segment}': [[...{name}]] is not allowed — [...{name}] already "
                "matches nothing"
            )
        if parts and parts[-1].kind != "static":
            raise RouteIdError(
                f"folder name '{segment}' has two parameters side by side; separate them with "
                "static text, as in [a]-[b]"
            )
        parts.append(Part("optional" if optional else "rest" if rest else "required", name))
    if (optional_or_rest := [p for p in parts if p.kind in ("optional", "rest")]) and len(
        parts
    ) > 1:
        kind = "[[...]]" if optional_or_rest[0].kind == "optional" else "[...]"
        raise RouteIdError(
            f"folder name '{segment}': a {kind} parameter must be the whole folder name"
        )
    return parts


def path_segments(route_id: str) -> list[str]:
    return [s for s in route_id.split("/") if s and affects_path(s)]


def parse_route_id(route_id: str) -> RoutePattern:
    """Compile a route id into a pattern that matches paths from `decode_path`."""
    pieces: list[str] = []
    params: list[Param] = []
    for segment in path_segments(route_id):
        parts = split_segment(segment)
        only = parts[0] if len(parts) == 1 else None
        if only is not None and only.kind == "rest":
            pieces.append("(?:/(.*))?")
        elif only is not None and only.kind == "optional":
            pieces.append("(?:/([^/]+))?")
        else:
            pieces.append("/")
            for part in parts:
                if part.kind == "static":
                    pieces.append(re.escape(_escape(part.content)))
                else:
                    pieces.append("([^/]+?)")
        params.extend(
            Param(p.content, optional=p.kind == "optional", rest=p.kind == "rest")
            for p in parts
            if p.kind != "static"
        )
    _check_params(route_id, params)
    body = "".join(pieces)
    return RoutePattern(route_id, "^/$" if not body else f"^{body}/?$", tuple(params))


def _check_params(route_id: str, params: list[Param]) -> None:
    names = [p.name for p in params]
    for name in names:
        if names.count(name) > 1:
            raise RouteIdError(f"route {route_id} uses the parameter '{name}' twice")
    if sum(p.rest for p in params) > 1:
        raise RouteIdError(
            f"route {route_id} has more than one [...rest] parameter; a URL cannot be split "
            "between them unambiguously — keep one and split the value in load()"
        )


def conflict_key(route_id: str) -> str:
    """Two routes with the same key match the same URLs (`/(a)/x` and `/(b)/x`)."""
    normal: list[str] = []
    for segment in path_segments(route_id):
        normal.append(
            "".join(
                part.content if part.kind == "static" else f"<{part.kind}>"
                for part in split_segment(segment)
            )
        )
    return "/" + "/".join(normal)


# Path decoding keeps "/" and "%" distinct from their encoded forms, so that `%2F` inside
# a [param] never splits it and static text compares against decoded characters.
def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("/", "%2F")


def _unescape(text: str) -> str:
    return text.replace("%2F", "/").replace("%25", "%")


def decode_path(raw_path: str) -> str:
    """Percent-decode each segment of a raw path (UTF-8); raise ValueError if malformed."""
    if "%" not in raw_path:
        return raw_path
    segments = []
    for segment in raw_path.split("/"):
        if "%" in segment:
            if re.search(r"%(?![0-9A-Fa-f]{2})", segment):
                raise ValueError(f"malformed percent-encoding in path segment {segment!r}")
            segment = _escape(unquote(segment, errors="strict"))
        segments.append(segment)
    return "/".join(segments)


# Ranking, after SvelteKit: static text beats parameters; [required] beats [[optional]]
# beats [...rest]; a longer static text beats its prefix; a shallower path beats a deeper one.
def sort_route_ids(route_ids: list[str]) -> list[str]:
    return sorted(route_ids, key=cmp_to_key(_compare))


_KIND_RANK = {"required": 0, "optional": 1, "rest": 2}


# Sorting compares each route with many others: its segments are split once, not per
# comparison (start-up with thousands of routes).
@functools.lru_cache(maxsize=16384)
def _segments_for_ranking(route_id: str, keep_all: bool) -> list[list[Part]]:
    segments = [split_segment(s) for s in path_segments(route_id)]
    if keep_all:
        return segments
    # optional and rest segments count only at the end: `/[[lang]]/about` ranks as `/about`
    return [
        s
        for index, s in enumerate(segments)
        if index == len(segments) - 1 or s[0].kind not in ("optional", "rest")
    ]


def _compare(route_a: str, route_b: str) -> int:
    all_a = _segments_for_ranking(route_a, True)
    all_b = _segments_for_ranking(route_b, True)
    result = _compare_segments(
        _segments_for_ranking(route_a, False), _segments_for_ranking(route_b, False), all_a, all_b
    )
    if result == 0:
        result = _compare_segments(all_a, all_b, all_a, all_b)
    if result == 0:
        result = -1 if route_a > route_b else (1 if route_a < route_b else 0)
    return result


def _compare_segments(
    segments_a: list[list[Part]],
    segments_b: list[list[Part]],
    all_a: list[list[Part]],
    all_b: list[list[Part]],
) -> int:
    for index in range(max(len(segments_a), len(segments_b))):
        segment_a = segments_a[index] if index < len(segments_a) else None
        segment_b = segments_b[index] if index < len(segments_b) else None
        if segment_a is None or segment_b is None:
            if len(all_a) == len(all_b):
                if segment_a is not None and segment_a[0].kind in ("optional", "rest"):
                    return -1
                if segment_b is not None and segment_b[0].kind in ("optional", "rest"):
                    return 1
            return -1 if segment_a is None else 1
        result = _compare_parts(segment_a, segment_b)
        if result:
            return result
    return 0


def _compare_parts(segment_a: list[Part], segment_b: list[Part]) -> int:
    for index in range(max(len(segment_a), len(segment_b))):
        a = segment_a[index] if index < len(segment_a) else None
        b = segment_b[index] if index < len(segment_b) else None
        if a is None or b is None:
            # `[a]-x` outranks `[a]`: more static text is more specific
            return 1 if a is None else -1
        a_static, b_static = a.kind == "static", b.kind == "static"
        if a_static != b_static:
            return -1 if a_static else 1
        if not a_static and a.kind != b.kind:
            return -1 if _KIND_RANK[a.kind] < _KIND_RANK[b.kind] else 1
        if a_static and a.content != b.content:
            return _compare_static(a.content, b.content)
    return 0


def _compare_static(a: str, b: str) -> int:
    """Lexicographic, except that `foobar` outranks `foo`."""
    if a.startswith(b):
        return -1
    if b.startswith(a):
        return 1
    return -1 if a < b else 1
