"""event.cookies (ported from SvelteKit's runtime/server/cookie.spec.js, plus Kite's rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kite.server.cookies import (
    MAX_REQUEST_COOKIES,
    CookieOptions,
    Cookies,
    parse_cookie_header,
)


def make(
    url: str = "https://example.com/",
    cookie: str | None = "a=b;",
    *,
    dev: bool = False,
) -> Cookies:
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return Cookies(cookie, url_scheme=scheme, url_host=host, url_path=slash + path, dev=dev)


def attributes(header: str) -> dict[str, str]:
    """The attributes of a Set-Cookie value after the name=value pair, keys lower-cased."""
    result = {}
    for part in header.split("; ")[1:]:
        key, _, value = part.partition("=")
        result[key.lower()] = value
    return result


def only_header(cookies: Cookies) -> str:
    headers = cookies.set_cookie_headers()
    assert len(headers) == 1, headers
    return headers[0]


# -- defaults -------------------------------------------------------------------------------


def test_default_values_when_set_is_called() -> None:
    cookies = make()
    cookies.set("a", "b")
    assert only_header(cookies) == "a=b; Path=/; HttpOnly; Secure; SameSite=Lax"


def test_default_values_when_set_is_called_on_sub_path_with_empty_path() -> None:
    cookies = make("https://example.com/foo/bar")
    cookies.set("a", "b", path="")
    assert only_header(cookies) == "a=b; Path=/foo/bar; HttpOnly; Secure; SameSite=Lax"


def test_default_values_when_delete_is_called() -> None:
    cookies = make()
    cookies.delete("a")
    assert only_header(cookies) == "a=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"


def test_overridden_defaults_when_set_is_called() -> None:
    cookies = make()
    cookies.set("a", "b", secure=False, httponly=False, samesite="strict", path="/a/b/c")
    assert only_header(cookies) == "a=b; Path=/a/b/c; SameSite=Strict"


def test_overridden_defaults_when_delete_is_called() -> None:
    cookies = make()
    cookies.delete("a", secure=False, httponly=False, samesite="strict", path="/a/b/c")
    assert only_header(cookies) == "a=; Path=/a/b/c; Max-Age=0; SameSite=Strict"


def test_cannot_override_max_age_on_delete() -> None:
    cookies = make()
    cookies.delete("a", max_age=1234)
    assert attributes(only_header(cookies))["max-age"] == "0"


def test_delete_accepts_the_options_of_a_set_call() -> None:
    cookies = make()
    options: CookieOptions = {"path": "/app", "domain": "example.com", "samesite": "strict"}
    cookies.set("a", "b", **options)
    cookies.delete("a", **options)
    assert only_header(cookies) == (
        "a=; Domain=example.com; Path=/app; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    )


# -- secure default -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:1234/",
        "http://localhost/",
        "http://127.0.0.1:5173/",
        "http://[::1]:8000/",
        "HTTP://LocalHost:1234/",
    ],
)
def test_not_secure_on_plain_http_to_localhost(url: str) -> None:
    cookies = make(url)
    cookies.set("a", "b")
    assert "secure" not in attributes(only_header(cookies))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "http://192.168.0.1:5173/",
        "http://localhost.example.com/",
        "https://localhost:1234/",
        "https://127.0.0.1/",
        "https://example.com/",
    ],
)
def test_secure_everywhere_else(url: str) -> None:
    cookies = make(url)
    cookies.set("a", "b")
    assert "secure" in attributes(only_header(cookies))


def test_bare_ipv6_host_is_recognised_as_localhost() -> None:
    cookies = Cookies(None, url_scheme="http", url_host="::1", url_path="/")
    cookies.set("a", "b")
    assert "secure" not in attributes(only_header(cookies))


def test_dev_over_plain_http_is_not_secure() -> None:
    cookies = make("http://192.168.0.1:5173/", dev=True)
    cookies.set("a", "b")
    assert "secure" not in attributes(only_header(cookies))


def test_dev_over_https_is_secure() -> None:
    cookies = make("https://192.168.0.1:5173/", dev=True)
    cookies.set("a", "b")
    assert "secure" in attributes(only_header(cookies))


def test_explicit_secure_wins_over_the_default() -> None:
    cookies = make("http://localhost/")
    cookies.set("a", "b", secure=True)
    assert "secure" in attributes(only_header(cookies))


# -- relative paths -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "path", "expected"),
    [
        ("/foo/bar", "", "/foo/bar"),
        ("/foo/bar/", "", "/foo/bar/"),
        ("/foo/bar", ".", "/foo/"),
        ("/foo/bar/", ".", "/foo/bar/"),
        ("/foo/bar", "x", "/foo/x"),
        ("/foo/bar/", "x", "/foo/bar/x"),
        ("/foo/bar", "..", "/"),
        ("/foo/bar/baz", "../x", "/foo/x"),
        ("/foo/bar", "./x/./y", "/foo/x/y"),
        ("/", ".", "/"),
        ("/", "..", "/"),
        ("/foo/bar", "/abs", "/abs"),
        ("/foo/bar", "/a/../b", "/b"),
        ("/caf%C3%A9/menu", "", "/caf%C3%A9/menu"),
    ],
)
def test_relative_path_resolves_against_the_current_path(
    current: str, path: str, expected: str
) -> None:
    cookies = make("https://example.com" + current)
    cookies.set("a", "b", path=path)
    assert attributes(only_header(cookies))["path"] == expected


def test_decoded_current_path_is_percent_encoded() -> None:
    cookies = Cookies(None, url_scheme="https", url_host="example.com", url_path="/café")
    cookies.set("a", "b", path="")
    assert attributes(only_header(cookies))["path"] == "/caf%C3%A9"


def test_serialize_resolves_relative_paths_too() -> None:
    cookies = make("https://example.com/foo/bar")
    assert cookies.serialize("a", "b", path=".") == (
        "a=b; Path=/foo/; HttpOnly; Secure; SameSite=Lax"
    )


# -- reading and precedence -----------------------------------------------------------------


def test_request_cookies_are_read() -> None:
    cookies = make(cookie="a=b; session=abc")
    assert cookies.get("a") == "b"
    assert cookies.get("session") == "abc"
    assert cookies.get("missing") is None
    assert cookies.get_all() == {"a": "b", "session": "abc"}


def test_a_cookie_set_earlier_is_read_later() -> None:
    cookies = make(cookie=None)
    cookies.set("flash", "saved")
    assert cookies.get("flash") == "saved"


def test_a_cookie_is_absent_after_it_is_deleted() -> None:
    cookies = make()
    cookies.set("a", "c")
    assert cookies.get("a") == "c"
    cookies.delete("a")
    assert cookies.get("a") is None


def test_deleting_a_request_cookie_hides_it() -> None:
    cookies = make(cookie="session=abc; other=1")
    cookies.delete("session")
    assert cookies.get("session") is None
    assert cookies.get_all() == {"other": "1"}


def test_get_all_does_not_include_deleted_cookies() -> None:
    cookies = make(cookie="session=abc")
    cookies.set("session", "abc")
    assert cookies.get_all() == {"session": "abc"}
    cookies.delete("session")
    assert cookies.get("session") is None
    assert cookies.get_all() == {}


def test_last_cookie_set_with_the_same_name_wins() -> None:
    cookies = make()
    cookies.set("a", "foo")
    cookies.set("a", "bar")
    assert only_header(cookies).startswith("a=bar;")
    assert cookies.get("a") == "bar"


def test_set_after_delete_restores_the_cookie() -> None:
    cookies = make()
    cookies.delete("a")
    cookies.set("a", "back")
    assert cookies.get("a") == "back"
    assert only_header(cookies).startswith("a=back;")


def test_cookie_names_are_case_sensitive() -> None:
    cookies = make(cookie=None)
    cookies.set("a", "foo")
    cookies.set("A", "bar")
    assert cookies.set_cookie_headers()[0].startswith("a=foo;")
    assert cookies.set_cookie_headers()[1].startswith("A=bar;")
    assert cookies.get("a") == "foo"
    assert cookies.get("A") == "bar"


def test_get_all_merges_request_and_set_cookies() -> None:
    cookies = make()
    assert cookies.get_all() == {"a": "b"}
    cookies.set("a", "foo")
    cookies.set("a", "bar")
    cookies.set("b", "baz")
    assert cookies.get_all() == {"a": "bar", "b": "baz"}


def test_same_name_different_paths_root_request() -> None:
    cookies = make("https://example.com/")
    cookies.set("key", "value_root", path="/")
    cookies.set("key", "value_foo", path="/foo")
    assert cookies.get("key") == "value_root"
    assert len(cookies.set_cookie_headers()) == 2


def test_same_name_different_paths_sub_request() -> None:
    cookies = make("https://example.com/foo")
    cookies.set("key", "value_root", path="/")
    cookies.set("key", "value_foo", path="/foo")
    assert cookies.get("key") == "value_foo"


def test_more_specific_paths_win() -> None:
    cookies = make("https://example.com/x/y/z")
    cookies.set("n", "1", path="/")
    cookies.set("n", "2", path="/x")
    cookies.set("n", "3", path="/x/y")
    cookies.set("n", "4", path="/x/y/z")
    assert cookies.get("n") == "4"


def test_get_all_returns_the_most_specific_cookie_whatever_the_order_set() -> None:
    cookies = make("https://example.com/foo/bar")
    cookies.set("duplicate", "foobar_value", path="/foo/bar")
    cookies.set("duplicate", "root_value", path="/")
    cookies.set("duplicate", "foo_value", path="/foo")
    assert cookies.get("duplicate") == "foobar_value"
    assert cookies.get_all()["duplicate"] == "foobar_value"


def test_deleting_the_most_specific_cookie_hides_the_name() -> None:
    # Like a browser that just got "Max-Age=0" for /foo: the deletion is what this request knows.
    cookies = make("https://example.com/foo")
    cookies.set("n", "root", path="/")
    cookies.delete("n", path="/foo")
    assert cookies.get("n") is None
    assert "n" not in cookies.get_all()


@pytest.mark.parametrize("path", ["/other", "/foobar", "/foo/bar/baz"])
def test_cookies_for_other_paths_are_not_visible(path: str) -> None:
    cookies = make("https://example.com/foo/bar", cookie=None)
    cookies.set("n", "1", path=path)
    assert cookies.get("n") is None
    assert cookies.get_all() == {}


def test_path_match_is_by_whole_segments() -> None:
    cookies = make("https://example.com/foobar", cookie=None)
    cookies.set("n", "1", path="/foo")
    assert cookies.get("n") is None


@pytest.mark.parametrize("path", ["/", "/foo", "/foo/", "/foo/bar", "/foo/bar/"])
def test_cookies_for_parent_paths_are_visible(path: str) -> None:
    cookies = make("https://example.com/foo/bar", cookie=None)
    cookies.set("n", "1", path=path)
    assert cookies.get("n") == "1"


def test_cookies_with_same_name_and_path_but_different_domains_are_distinct() -> None:
    cookies = make("https://example.com/")
    cookies.set("key", "value1", domain="example.com")
    cookies.set("key", "value2", domain="sub.example.com")
    headers = cookies.set_cookie_headers()
    assert headers[0].startswith("key=value1; Domain=example.com;")
    assert headers[1].startswith("key=value2; Domain=sub.example.com;")
    # Only the first is sent to example.com.
    assert cookies.get("key") == "value1"


def test_domain_with_leading_dot_is_the_same_cookie() -> None:
    cookies = make("https://app.example.com/")
    cookies.set("key", "1", domain="example.com")
    cookies.set("key", "2", domain=".example.com")
    assert only_header(cookies).startswith("key=2; Domain=.example.com;")
    assert cookies.get("key") == "2"


def test_cookie_for_a_parent_domain_is_visible() -> None:
    cookies = make("https://app.example.com/", cookie=None)
    cookies.set("key", "v", domain="example.com")
    assert cookies.get("key") == "v"


def test_cookie_for_another_domain_is_not_visible() -> None:
    cookies = make("https://example.com/", cookie=None)
    cookies.set("key", "v", domain="other.com")
    assert cookies.get("key") is None


def test_headers_come_in_the_order_set() -> None:
    cookies = make(cookie=None)
    cookies.set("z", "1")
    cookies.set("a", "2")
    cookies.delete("m")
    names = [header.partition("=")[0] for header in cookies.set_cookie_headers()]
    assert names == ["z", "a", "m"]


def test_serialize_does_not_set() -> None:
    cookies = make(cookie=None)
    assert cookies.serialize("a", "b") == "a=b; Path=/; HttpOnly; Secure; SameSite=Lax"
    assert cookies.set_cookie_headers() == []
    assert cookies.get("a") is None


# -- encoding -------------------------------------------------------------------------------


def test_values_are_percent_encoded_like_encode_uri_component() -> None:
    cookies = make()
    cookies.set("a", "a b;c,d=é\"!~*'()-_.")
    assert only_header(cookies).startswith("a=a%20b%3Bc%2Cd%3D%C3%A9%22!~*'()-_.;")


def test_encoded_value_round_trips_through_a_request() -> None:
    first = make(cookie=None)
    first.set("a", "a b;c")
    sent = only_header(first).partition(";")[0]
    assert sent == "a=a%20b%3Bc"
    assert make(cookie=sent).get("a") == "a b;c"


def test_request_values_are_decoded_once() -> None:
    cookies = make(cookie="a=f%C3%BC; b=foo+bar; c=%2541")
    assert cookies.get("a") == "fü"
    assert cookies.get("b") == "foo+bar"
    assert cookies.get("c") == "%41"


@pytest.mark.parametrize("raw", ["%", "100%", "%zz", "%C3", "%FF", "a%2", "%zz%41", "100%%41"])
def test_values_that_do_not_decode_are_kept_as_sent(raw: str) -> None:
    assert make(cookie=f"a={raw}").get("a") == raw


# -- parsing the Cookie header --------------------------------------------------------------


def test_parse_cookie_header() -> None:
    assert parse_cookie_header(' a = 1 ;b="quoted value";c=;d=x=y ') == {
        "a": "1",
        "b": "quoted value",
        "c": "",
        "d": "x=y",
    }


def test_first_occurrence_of_a_name_wins() -> None:
    assert parse_cookie_header("a=specific; a=general") == {"a": "specific"}


@pytest.mark.parametrize(
    "header",
    [
        "",
        ";;;",
        "novalue",
        "=nokey",
        "a",
        "=",
        '"',
        "a=%",
        "a=\x00\x01; b=2",
        "a=" + "%" * 10_000,
        ";" * 100_000,
        "é=ü; b=2",
    ],
)
def test_malformed_cookie_headers_do_not_raise(header: str) -> None:
    cookies = make(cookie=header)
    cookies.get("a")
    cookies.get_all()


def test_malformed_pairs_are_skipped_and_the_rest_kept() -> None:
    cookies = make(cookie="junk; =x; ok=1; also ok=2")
    assert cookies.get_all() == {"ok": "1", "also ok": "2"}


def test_at_most_max_request_cookies_are_read() -> None:
    header = "; ".join(f"c{i}={i}" for i in range(MAX_REQUEST_COOKIES + 10))
    parsed = parse_cookie_header(header)
    assert len(parsed) == MAX_REQUEST_COOKIES
    assert parsed[f"c{MAX_REQUEST_COOKIES - 1}"] == str(MAX_REQUEST_COOKIES - 1)
    assert f"c{MAX_REQUEST_COOKIES}" not in parsed


# -- attributes -----------------------------------------------------------------------------


def test_attribute_order() -> None:
    cookies = make()
    cookies.set(
        "a",
        "b",
        domain="example.com",
        path="/p",
        expires=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        max_age=60,
        samesite="none",
        partitioned=True,
    )
    assert only_header(cookies) == (
        "a=b; Domain=example.com; Path=/p; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=60; "
        "HttpOnly; Secure; SameSite=None; Partitioned"
    )


def test_expires_in_another_timezone_is_converted_to_gmt() -> None:
    cookies = make()
    plus_two = timezone(timedelta(hours=2))
    cookies.set("a", "b", expires=datetime(2030, 1, 2, 5, 4, 5, tzinfo=plus_two))
    assert attributes(only_header(cookies))["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"


def test_naive_expires_means_utc() -> None:
    cookies = make()
    cookies.set("a", "b", expires=datetime(2030, 1, 2, 3, 4, 5))
    assert attributes(only_header(cookies))["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"


def test_expires_as_text_is_used_as_given() -> None:
    cookies = make()
    cookies.set("a", "b", expires="Wed, 02 Jan 2030 03:04:05 GMT")
    assert attributes(only_header(cookies))["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"


@pytest.mark.parametrize(("samesite", "written"), [("LAX", "Lax"), ("Strict", "Strict")])
def test_samesite_is_case_insensitive(samesite: str, written: str) -> None:
    cookies = make()
    cookies.set("a", "b", samesite=samesite)
    assert attributes(only_header(cookies))["samesite"] == written


def test_samesite_none_leaves_the_attribute_out() -> None:
    cookies = make()
    cookies.set("a", "b", samesite=None)
    assert "samesite" not in attributes(only_header(cookies))


def test_samesite_none_with_default_secure_on_localhost_is_allowed() -> None:
    cookies = make("http://localhost/")
    cookies.set("a", "b", samesite="none")
    header = attributes(only_header(cookies))
    assert header["samesite"] == "None"
    assert "secure" not in header


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "a b", "a=b", "a;b", 'a"b', "a,b", "é", "a\tb", "(a)", "a/b"])
def test_invalid_name_raises(name: str) -> None:
    cookies = make()
    with pytest.raises(ValueError, match="Invalid cookie name"):
        cookies.set(name, "v")
    with pytest.raises(ValueError, match="Invalid cookie name"):
        cookies.serialize(name, "v")
    assert cookies.set_cookie_headers() == []


@pytest.mark.parametrize("name", ["session", "__Host-id", "a.b", "x!#$%&'*+-.^_`|~"])
def test_token_names_are_accepted(name: str) -> None:
    cookies = make()
    cookies.set(name, "v")
    assert cookies.get(name) == "v"


def test_samesite_none_with_secure_false_raises() -> None:
    cookies = make()
    with pytest.raises(ValueError, match='samesite="none" with secure=False: browsers drop'):
        cookies.set("a", "b", samesite="none", secure=False)


def test_invalid_samesite_raises() -> None:
    with pytest.raises(ValueError, match="invalid samesite 'sometimes'"):
        make().set("a", "b", samesite="sometimes")


@pytest.mark.parametrize("path", ["/a;b", "/a\nb", "/é"])
def test_path_that_cannot_be_a_header_raises(path: str) -> None:
    with pytest.raises(ValueError, match="invalid path"):
        make().set("a", "b", path=path)


@pytest.mark.parametrize("domain", ["example.com; Secure", "exa mple.com", "é.com"])
def test_invalid_domain_raises(domain: str) -> None:
    with pytest.raises(ValueError, match="invalid domain"):
        make().set("a", "b", domain=domain)


def test_expires_text_with_semicolon_raises() -> None:
    with pytest.raises(ValueError, match="invalid expires"):
        make().set("a", "b", expires="tomorrow; Domain=evil.com")


def test_non_string_value_raises_type_error() -> None:
    with pytest.raises(TypeError, match='Cookie "a" value must be a str, not int'):
        make().set("a", 1)  # type: ignore[arg-type]


def test_non_integer_max_age_raises_type_error() -> None:
    with pytest.raises(TypeError, match="max_age must be an int"):
        make().set("a", "b", max_age=1.5)  # type: ignore[arg-type]


def test_unencodable_value_raises() -> None:
    with pytest.raises(ValueError, match="not valid Unicode"):
        make().set("a", "\ud800")


# -- size limit in development --------------------------------------------------------------


def test_dev_cookie_at_the_size_limit_is_accepted() -> None:
    cookies = make(dev=True)
    cookies.set("a", "a" * 4095)
    assert cookies.get("a") == "a" * 4095


def test_dev_cookie_over_the_size_limit_raises() -> None:
    cookies = make(dev=True)
    with pytest.raises(ValueError) as excinfo:
        cookies.set("a", "a" * 4096)
    assert str(excinfo.value) == 'Cookie "a" is too large, and will be discarded by the browser'
    assert cookies.get("a") == "b"
    assert cookies.set_cookie_headers() == []


def test_dev_size_limit_counts_the_encoded_value() -> None:
    cookies = make(dev=True)
    with pytest.raises(ValueError, match="too large"):
        cookies.set("a", " " * 1400)  # 3 bytes each once encoded


def test_production_does_not_check_the_size() -> None:
    cookies = make()
    cookies.set("a", "a" * 5000)
    assert cookies.get("a") == "a" * 5000
