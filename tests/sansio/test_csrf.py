"""The cross-site form submission decision (ported from SvelteKit's runtime/server/csrf.spec.js)."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from kite.sansio.csrf import (
    FORM_CONTENT_TYPES,
    forbidden_message,
    is_forbidden,
    is_forbidden_type,
    origin_of,
)
from kite.sansio.negotiation import media_type

SELF = "http://self.test"
FORM = "application/x-www-form-urlencoded"


def forbidden(
    *,
    method: str = "POST",
    content_type: str | None = FORM,
    origin: str | None,
    own_origin: str = SELF,
    trusted_origins: Collection[str] = (),
) -> bool:
    return is_forbidden(
        method=method,
        content_type=content_type,
        origin=origin,
        own_origin=own_origin,
        trusted_origins=trusted_origins,
    )


def test_foreign_origin_is_forbidden() -> None:
    assert forbidden(origin="http://other.test")


def test_request_url_origin_is_forbidden_when_another_origin_is_configured() -> None:
    # The caller passes the configured `origin` setting as own_origin; the origin of the
    # request URL (what a misconfigured proxy setup would produce) then no longer counts.
    assert forbidden(origin="http://localhost:4173", own_origin="http://configured-origin.test")


def test_configured_origin_is_allowed() -> None:
    assert not forbidden(
        origin="http://configured-origin.test", own_origin="http://configured-origin.test"
    )


def test_trusted_origin_is_allowed() -> None:
    assert not forbidden(
        origin="https://trusted.example.com", trusted_origins=["https://trusted.example.com"]
    )


def test_untrusted_origin_is_forbidden_even_with_a_trusted_list() -> None:
    assert forbidden(origin="https://evil.test", trusted_origins=["https://trusted.example.com"])


@pytest.mark.parametrize(
    "origin",
    [
        "https://trusted.example.com.evil.com",
        "https://sub.trusted.example.com",
        "http://trusted.example.com",
        "https://trusted.example.com:8443",
        "https://TRUSTED.example.com",
    ],
)
def test_trusted_origins_match_exactly(origin: str) -> None:
    assert forbidden(origin=origin, trusted_origins=["https://trusted.example.com"])


def test_no_wildcard_in_trusted_origins() -> None:
    assert forbidden(origin="https://evil.test", trusted_origins=["*"])


@pytest.mark.parametrize("origin", [None, ""])
def test_missing_origin_is_forbidden(origin: str | None) -> None:
    assert forbidden(origin=origin)


def test_missing_origin_is_forbidden_even_if_empty_string_is_trusted() -> None:
    assert forbidden(origin="", trusted_origins=[""])


def test_empty_origin_never_matches_an_empty_own_origin() -> None:
    assert forbidden(origin="", own_origin="")


@pytest.mark.parametrize("content_type", [None, "", "  "])
def test_missing_content_type_is_forbidden(content_type: str | None) -> None:
    assert forbidden(content_type=content_type, origin="https://malicious.test")


@pytest.mark.parametrize("content_type", FORM_CONTENT_TYPES)
def test_every_form_content_type_is_checked(content_type: str) -> None:
    assert forbidden(content_type=content_type, origin="https://malicious.test")


@pytest.mark.parametrize(
    "content_type", ["Multipart/Form-Data; boundary=----x", "text/plain;charset=UTF-8"]
)
def test_form_content_types_match_ignoring_case_and_parameters(content_type: str) -> None:
    assert forbidden(content_type=content_type, origin="https://malicious.test")


@pytest.mark.parametrize("content_type", ["application/json", "application/octet-stream"])
def test_non_form_content_types_are_allowed(content_type: str) -> None:
    assert not forbidden(content_type=content_type, origin="https://malicious.test")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post"])
def test_mutating_methods_with_foreign_origin_are_forbidden(method: str) -> None:
    assert forbidden(
        method=method, content_type="multipart/form-data", origin="https://malicious.test"
    )


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_are_allowed(method: str) -> None:
    assert not forbidden(method=method, origin="https://malicious.test")
    assert not forbidden(method=method, origin=None)


def test_own_origin_is_allowed() -> None:
    assert not forbidden(origin=SELF)


@pytest.mark.parametrize("method", ["POST", "put"])
def test_forbidden_message(method: str) -> None:
    assert forbidden_message(method) == (
        f"Cross-site {method.upper()} form submissions are forbidden"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost:4173/csrf?x=1#y", "http://localhost:4173"),
        ("HTTPS://Example.COM:443/login", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("https://example.com:80", "https://example.com:80"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("https://user:pw@example.com/", "https://example.com"),
        (" https://example.com ", "https://example.com"),
    ],
)
def test_origin_of(url: str, expected: str) -> None:
    assert origin_of(url) == expected


@pytest.mark.parametrize("url", ["example.com", "/login", "", "http://example.com:99999"])
def test_origin_of_rejects_what_is_not_an_absolute_url(url: str) -> None:
    with pytest.raises(ValueError, match="Cannot take the origin of"):
        origin_of(url)


def test_normalised_own_origin_matches_what_browsers_send() -> None:
    assert not forbidden(
        origin="https://example.com", own_origin=origin_of("HTTPS://EXAMPLE.com:443")
    )


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/plain", "Multipart/Form-Data; boundary=x", "application/json", "text/html"],
)
@pytest.mark.parametrize("origin", [None, "", "https://evil.example", "https://app.example"])
@pytest.mark.parametrize("method", ["POST", "put", "GET"])
def test_the_media_type_form_decides_as_the_header_form(
    content_type: str | None, origin: str | None, method: str
) -> None:
    """The pipeline passes the media type its classification parsed: same answers."""
    common = {"origin": origin, "own_origin": "https://app.example", "trusted_origins": ()}
    assert is_forbidden_type(
        method=method, media_type=media_type(content_type), **common
    ) == is_forbidden(method=method, content_type=content_type, **common)
