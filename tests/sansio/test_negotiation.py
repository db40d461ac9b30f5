"""Accept negotiation and Content-Type matching (ported from SvelteKit's utils/http.spec.js)."""

from __future__ import annotations

import time

import pytest

from kite.sansio.negotiation import is_content_type, media_type, negotiate

JSON_OR_HTML = ["application/json", "text/html"]
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)


def test_valid_accept_header() -> None:
    assert negotiate("text/html", ["text/html"]) == "text/html"


def test_optional_whitespace_around_separators() -> None:
    accept = "application/some-thing-else, \tapplication/json \t; q=0.9  ,text/plain;q=0.1"
    assert negotiate(accept, ["application/json", "text/plain"]) == "application/json"
    assert negotiate(accept, ["text/plain", "application/json"]) == "application/json"
    assert negotiate(accept, JSON_OR_HTML) == "application/json"


def test_whitespace_around_equals_in_q() -> None:
    accept = "text/html ;\tq = 0.2, application/json;q=0.3"
    assert negotiate(accept, ["text/html", "application/json"]) == "application/json"


def test_invalid_segment_is_ignored() -> None:
    assert negotiate("text/html,*", ["text/html"]) == "text/html"
    assert negotiate("*", ["text/html"]) is None


def test_browser_navigation_prefers_html() -> None:
    assert negotiate(CHROME, JSON_OR_HTML) == "text/html"


def test_enhanced_form_request_prefers_json() -> None:
    assert negotiate("application/json", JSON_OR_HTML) == "application/json"


def test_wildcard_picks_the_first_server_type() -> None:
    assert negotiate("*/*", JSON_OR_HTML) == "application/json"
    assert negotiate("*/*", ["text/html", "application/json"]) == "text/html"


@pytest.mark.parametrize("accept", [None, "", " \t "])
def test_missing_or_empty_header_accepts_anything(accept: str | None) -> None:
    assert negotiate(accept, JSON_OR_HTML) == "application/json"


def test_quality_ranks_first() -> None:
    accept = "application/json;q=0.5, text/html;q=0.6"
    assert negotiate(accept, JSON_OR_HTML) == "text/html"


def test_specificity_breaks_quality_ties() -> None:
    assert negotiate("*/*, text/*", JSON_OR_HTML) == "text/html"
    assert negotiate("text/*, text/html", ["text/plain", "text/html"]) == "text/html"


def test_header_order_breaks_remaining_ties() -> None:
    assert negotiate("text/html, application/json", JSON_OR_HTML) == "text/html"
    assert negotiate("application/json, text/html", ["text/html", "application/json"]) == (
        "application/json"
    )


def test_q_zero_means_not_acceptable() -> None:
    assert negotiate("application/json;q=0", ["application/json"]) is None
    assert negotiate("application/json;q=0, */*", JSON_OR_HTML) == "text/html"
    assert negotiate("text/*;q=0, */*;q=0.1", ["text/html"]) is None


def test_most_specific_range_sets_the_quality() -> None:
    # A low-quality explicit entry is not rescued by a broader wildcard.
    assert negotiate("text/html;q=0.1, */*", ["text/html", "application/json"]) == (
        "application/json"
    )


def test_repeated_range_counts_with_its_highest_quality() -> None:
    accept = "text/html;q=0.1, application/json;q=0.5, text/html;q=0.9"
    assert negotiate(accept, JSON_OR_HTML) == "text/html"
    assert negotiate("text/html;q=0.9, text/html;q=0", JSON_OR_HTML) == "text/html"


def test_q_after_other_parameters() -> None:
    accept = "application/signed-exchange;v=b3;q=0.7, text/html;q=0.8"
    assert negotiate(accept, ["application/signed-exchange", "text/html"]) == "text/html"


@pytest.mark.parametrize("q", ["abc", "1.5", "2", "-1", ".5", "", "0.5.1"])
def test_entry_with_malformed_q_is_ignored(q: str) -> None:
    assert negotiate(f"application/json;q={q}, text/html;q=0.1", JSON_OR_HTML) == "text/html"


def test_wildcard_type_with_concrete_subtype_is_ignored() -> None:
    assert negotiate("*/json", ["application/json"]) is None


def test_matching_is_case_insensitive_and_returns_the_server_spelling() -> None:
    assert negotiate("TEXT/HTML", ["text/html"]) == "text/html"
    assert negotiate("text/html", ["Text/HTML"]) == "Text/HTML"


def test_no_acceptable_type() -> None:
    assert negotiate("image/png", JSON_OR_HTML) is None


def test_server_type_without_slash_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="'type/subtype'"):
        negotiate("*/*", ["html"])


def test_huge_segment_without_slash_is_fast() -> None:
    started = time.perf_counter()
    assert negotiate("a" * 200_000, ["text/html"]) is None
    # A guard against quadratic work (minutes on this input), not a speed measure: the
    # bound is loose enough for a busy shared machine.
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "accept",
    [
        "a/" + "b" * 200_000 + ";q=" + "0" * 200_000,
        "text/html;" + "q=1;" * 50_000,
        "," * 200_000,
        " \t" * 100_000 + "text/html",
    ],
)
def test_hostile_headers_are_fast(accept: str) -> None:
    started = time.perf_counter()
    negotiate(accept, JSON_OR_HTML)
    assert time.perf_counter() - started < 2  # see above: a guard against quadratic work


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=utf-8", True),
        ("TEXT/HTML ; charset=UTF-8", True),
        ("  text/html  ", True),
        ("text/html", True),
        ("text/plain", False),
        ("text/htmlx", False),
        ("", False),
        (None, False),
    ],
)
def test_is_content_type(content_type: str | None, expected: bool) -> None:
    assert is_content_type(content_type, "text/html") is expected


def test_is_content_type_with_several_types() -> None:
    assert is_content_type("multipart/form-data; boundary=x", "text/plain", "multipart/form-data")
    assert not is_content_type("application/json", "text/plain", "multipart/form-data")
    assert is_content_type("text/plain", "TEXT/PLAIN")


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("Application/JSON; charset=utf-8", "application/json"),
        ("multipart/form-data;boundary=abc", "multipart/form-data"),
        (" text/plain ", "text/plain"),
        ("; charset=utf-8", None),
        ("", None),
        (None, None),
    ],
)
def test_media_type(content_type: str | None, expected: str | None) -> None:
    assert media_type(content_type) == expected
