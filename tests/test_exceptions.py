import pytest

from kite import (
    ActionFailure,
    HttpError,
    Redirect,
    error,
    fail,
    invalid,
    is_action_failure,
    is_http_error,
    is_redirect,
    redirect,
)


@pytest.mark.parametrize("status", [399, 600, 200, 301, "400", True])
def test_fail_refuses_non_error_statuses(status: object) -> None:
    with pytest.raises(ValueError, match="between 400 and 599"):
        fail(status)  # type: ignore[arg-type]


def test_fail_returns_a_failure() -> None:
    failure = fail(422, {"email": "x"})
    assert isinstance(failure, ActionFailure)
    assert (failure.status, failure.data) == (422, {"email": "x"})
    assert is_action_failure(failure)
    assert fail(400).data is None


def test_invalid_is_a_deprecated_alias_that_warns_once() -> None:
    with pytest.warns(DeprecationWarning, match="use fail"):
        failure = invalid(400, {"a": 1})
    assert failure.status == 400
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        invalid(400)  # no second warning


@pytest.mark.parametrize("location", ["/a", "relative", "?page=2", "../up", "#top", "/a?b=c"])
def test_redirect_accepts_local_locations(location: str) -> None:
    with pytest.raises(Redirect) as info:
        redirect(303, location)
    assert (info.value.status, info.value.location) == (303, location)
    assert is_redirect(info.value)


@pytest.mark.parametrize(
    "location", ["https://google.de", " https://google.de", "\\\\google.de", "//google.de", "x:foo"]
)
def test_redirect_refuses_external_locations(location: str) -> None:
    with pytest.raises(ValueError, match="Cannot redirect to external URL"):
        redirect(303, location)


def test_redirect_allows_external_when_asked() -> None:
    with pytest.raises(Redirect):
        redirect(303, "https://google.de", external=True)
    with pytest.raises(Redirect):
        redirect(303, "https://pay.example/x", external=["https://pay.example"])
    with pytest.raises(ValueError, match="external"):
        redirect(303, "https://other.example/x", external=["https://pay.example"])


@pytest.mark.parametrize("location", ["javascript:alert(1)", "java\tscript:alert(1)", "data:,x"])
def test_redirect_refuses_script_urls_even_when_external(location: str) -> None:
    with pytest.raises(ValueError, match="external"):
        redirect(303, location, external=True)
    with pytest.raises(Redirect):
        redirect(303, location, external=[location.split(":")[0].replace("\t", "") + ":"])


@pytest.mark.parametrize("location", ["/a\nb", "/a\rSet-Cookie: x", "/caf\u00e9\u2603"])
def test_redirect_refuses_header_unsafe_locations(location: str) -> None:
    with pytest.raises(ValueError, match="cannot be used in HTTP headers"):
        redirect(303, location)


@pytest.mark.parametrize("status", [200, 299, 309, 404])
def test_redirect_refuses_bad_statuses(status: int) -> None:
    with pytest.raises(ValueError, match="Invalid status code"):
        redirect(status, "/")


def test_error_builds_the_public_body() -> None:
    with pytest.raises(HttpError) as info:
        error(404, "Not here", code="NOPE")
    assert info.value.status == 404
    assert info.value.body == {"message": "Not here", "status": 404, "code": "NOPE"}
    assert is_http_error(info.value) and is_http_error(info.value, 404)
    assert not is_http_error(info.value, 500)
    with pytest.raises(HttpError) as default:
        error(500)
    assert default.value.body == {"message": "Error: 500", "status": 500}


@pytest.mark.parametrize("status", [399, 600, 200])
def test_error_refuses_bad_statuses(status: int) -> None:
    with pytest.raises(ValueError, match="between 400 and 599"):
        error(status)
