import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kite.sansio.action_result import (
    action_name,
    error_result,
    failure_result,
    redirect_result,
    result_location,
    success_result,
)


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("", None),
        ("page=2", None),
        ("/login", "login"),
        ("/login=x", "login"),
        ("a=1&/register&/login", "register"),
        ("/", ""),
        ("/default", "default"),
        ("/toString", "toString"),
        ("%2Flogin", "login"),
    ],
)
def test_action_name(query: str, name: str | None) -> None:
    assert action_name(query) == name


@pytest.mark.parametrize(
    ("path", "query", "location"),
    [
        ("/login", "/do-login", "/login"),
        ("/login", "", "/login"),
        ("/d", "throw-in-load&/error", "/d?throw-in-load="),
        ("/d", "redirectTo=%2Fdashboard&/failure", "/d?redirectTo=%2Fdashboard"),
        ("/s", "b=2&a=1&/del", "/s?b=2&a=1"),
        ("/s", "q=a b~&/x", "/s?q=a+b%7E"),
        ("/s", "page=2", "/s?page=2"),
        ("//evil", "/x", "/.//evil"),
    ],
)
def test_result_location(path: str, query: str, location: str) -> None:
    assert result_location(path, query) == location


def test_results_are_byte_compatible_with_sveltekit() -> None:
    data = '[{"result":1},"foo"]'
    assert success_result("/x", data) == (
        b'{"type":"success","status":200,"location":"/x","data":"[{\\"result\\":1},\\"foo\\"]"}'
    )
    assert success_result("/x", None) == b'{"type":"success","status":204,"location":"/x"}'
    assert failure_result(400, "/x", "-1") == (
        b'{"type":"failure","status":400,"location":"/x","data":"-1"}'
    )
    assert redirect_result(303, "/where") == (
        b'{"type":"redirect","status":303,"location":"/where"}'
    )
    assert error_result("/x", {"message": "Not Found", "status": 404}) == (
        b'{"type":"error","location":"/x","error":{"message":"Not Found","status":404}}'
    )


@given(st.integers(400, 599), st.text(), st.text())
def test_a_failure_is_the_json_of_its_four_keys(status: int, location: str, data: str) -> None:
    written = failure_result(status, location, data)
    expected = {"type": "failure", "status": status, "location": location, "data": data}
    assert written == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()
    assert json.loads(written) == expected
    with_extra = failure_result(status, location, data, {"kite": {"document": "<p>"}})
    assert json.loads(with_extra) == {**expected, "kite": {"document": "<p>"}}
