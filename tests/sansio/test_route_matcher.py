"""RouteMatcher (the segment tree) answers exactly as match_linear (each pattern in ranking
order) on generated route sets and paths, and with 5,000 routes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kite.sansio.routing import (
    RouteIdError,
    RouteMatcher,
    RoutePattern,
    conflict_key,
    decode_path,
    match_linear,
    parse_route_id,
    sort_route_ids,
)

WORDS = ["a", "b", "blog", "x-y", "%", "b%2Fc", "é"]

static = st.sampled_from(WORDS)
segment = st.one_of(
    static,
    static,
    st.sampled_from(["[p]", "[q]", "[[o]]", "[...r]", "(g)", "(h)", "[p]-x", "x-[q]"]),
)
route_id = st.lists(segment, max_size=4).map(lambda parts: "/" + "/".join(parts))
# Raw paths, as they arrive: "%25" decodes to the static folder "%", "b%2Fc" keeps its slash.
RAW = ["a", "b", "blog", "x-y", "%25", "b%2Fc", "%C3%A9", "é", "x-1", "2-x", "", "c"]
path = st.lists(st.sampled_from(RAW), max_size=5).map(lambda parts: "/" + "/".join(parts))


def _patterns(route_ids: list[str]) -> list[RoutePattern]:
    valid, seen = [], set()
    for candidate in route_ids:
        try:
            parse_route_id(candidate)
        except RouteIdError:
            continue
        key = conflict_key(candidate)
        if key not in seen:  # the manifest refuses conflicting routes
            seen.add(key)
            valid.append(candidate)
    return [parse_route_id(r) for r in sort_route_ids(valid)]


@settings(max_examples=400, deadline=None)
@given(st.lists(route_id, max_size=12), st.lists(path, min_size=1, max_size=8))
def test_the_tree_matches_as_the_linear_scan(route_ids: list[str], paths: list[str]) -> None:
    patterns = _patterns(route_ids)
    matcher = RouteMatcher(patterns)
    for raw in paths:
        decoded = decode_path(raw)
        assert matcher.match(decoded) == match_linear(patterns, decoded), (raw, route_ids)


def test_the_tree_with_trailing_slashes_and_groups() -> None:
    patterns = _patterns(["/", "/(g)/blog", "/blog/[slug]", "/[[lang]]/blog", "/[...rest]"])
    matcher = RouteMatcher(patterns)
    for raw in ["/", "/blog", "/blog/", "/en/blog", "/blog/post", "/blog/post/", "/x/y/z"]:
        assert matcher.match(raw) == match_linear(patterns, raw)
    found = matcher.match("/blog/hello/")
    assert found is not None
    assert patterns[found[0]].route_id == "/blog/[slug]"


def test_five_thousand_routes_first_and_last() -> None:
    route_ids = [f"/section{i}/[id]" for i in range(5000)] + ["/[...rest]"]
    patterns = _patterns(route_ids)
    matcher = RouteMatcher(patterns)
    ranked = [p.route_id for p in patterns]
    for raw in ["/section0/7", "/section4999/7", "/section5000/7", "/nowhere"]:
        assert matcher.match(raw) == match_linear(patterns, raw)
    last = matcher.match(f"/{ranked[-2].split('/')[1]}/1")
    assert last is not None and last[0] == len(ranked) - 2
