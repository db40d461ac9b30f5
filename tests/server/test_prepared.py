"""Responses made from prepared header lines carry what Starlette's would."""

from __future__ import annotations

import pytest
from starlette.responses import HTMLResponse, Response

from kite.server.prepared import PageResponse, json_response, page_response


@pytest.mark.parametrize("status", [200, 400, 422, 500, 204, 304, 101])
def test_a_page_has_the_header_lines_of_an_html_response(status: int) -> None:
    expected = HTMLResponse("<p>é</p>", status_code=status)
    response = page_response("<p>é</p>", status)
    assert isinstance(response, PageResponse)
    assert (response.status_code, response.body) == (status, expected.body)
    assert response.raw_headers == expected.raw_headers


@pytest.mark.parametrize("status", [200, 400, 204])
def test_an_action_result_has_the_header_lines_of_a_json_response(status: int) -> None:
    headers = {"x-sveltekit-version": "v1"}
    expected = Response(b'{"a":1}', status, headers=headers, media_type="application/json")
    response = json_response(b'{"a":1}', status, "v1")
    assert sorted(response.raw_headers) == sorted(expected.raw_headers)
    assert (response.status_code, response.body) == (status, expected.body)


def test_headers_added_later_go_out_with_the_response() -> None:
    response = page_response("x", 200)
    response.headers["x-extra"] = "1"
    response.set_cookie("a", "b")
    names = [name for name, _ in response.raw_headers]
    assert b"x-extra" in names and b"set-cookie" in names
    assert page_response("y", 200).raw_headers == HTMLResponse("y").raw_headers
