"""Live validation requests (`x-kite-validate: 1`) over real HTTP: the messages and nothing
else — no action, no load (counted by tests/apps/live_validation) — behind the same CSRF
check, body limit and rate limit as the action."""

from __future__ import annotations

from typing import Any

import pytest
from support import APPS
from support.servers import ServeApp, Server

APP = APPS / "live_validation"
VALIDATE = {"x-kite-validate": "1", "accept": "application/json"}
GOOD = {"__form_id": "signup", "email": "ada@example.com", "password": "long enough", "age": "36"}


@pytest.fixture
def server(serve_app: ServeApp) -> Server:
    return serve_app(APP)


def counts(server: Server) -> dict[str, int]:
    result: dict[str, int] = server.client.get("/counts").json()
    return result


def validate(server: Server, action: str, data: dict[str, Any], **headers: str) -> Any:
    return server.client.post(
        f"/signup?/{action}", data=data, headers={"origin": server.url, **VALIDATE, **headers}
    )


def test_valid_values_answer_no_errors_and_run_neither_action_nor_load(server: Server) -> None:
    response = validate(server, "signup", GOOD)
    assert response.status_code == 200
    assert response.json() == {"errors": {}}
    assert response.headers["cache-control"] == "no-store"
    assert counts(server) | {"in_flight": 0} == {
        "load": 0,
        "action": 0,
        "validate": 1,
        "in_flight": 0,
        "max_in_flight": 1,
    }


def test_the_model_s_messages_are_the_answer(server: Server) -> None:
    data = {**GOOD, "email": "ada@", "age": "12", "nickname": "Admin"}
    assert validate(server, "signup", data).json() == {
        "errors": {
            "email": "This is not in the expected format.",
            "age": "Enter a number of at least 18.",
            "nickname": "That nickname is reserved.",
        }
    }
    assert counts(server)["action"] == 0


def test_the_page_s_business_rule_answers_too(server: Server) -> None:
    response = validate(server, "signup", {**GOOD, "email": "taken@example.com"})
    assert response.json() == {"errors": {"email": "That email is already registered."}}
    assert counts(server)["action"] == 0
    assert counts(server)["load"] == 0


def test_the_submission_itself_still_runs_the_action(server: Server) -> None:
    response = server.client.post(
        "/signup?/signup", data=GOOD, headers={"origin": server.url, "accept": "application/json"}
    )
    assert response.status_code == 200
    assert counts(server)["action"] == 1


def test_another_origin_is_refused_before_validating(server: Server) -> None:
    response = validate(server, "signup", GOOD, origin="https://evil.example")
    assert response.status_code == 403
    assert counts(server)["validate"] == 0


def test_the_action_s_body_limit_holds(server: Server) -> None:
    response = validate(server, "signup", {**GOOD, "nickname": "x" * 3000})
    assert response.status_code == 413
    assert counts(server)["validate"] == 0


def test_the_action_s_rate_limit_counts_validations(server: Server) -> None:
    statuses = [validate(server, "rated", GOOD).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = validate(server, "rated", GOOD)
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many attempts" in refused.json()["message"]
    assert counts(server)["action"] == 0


def test_a_model_as_validator(server: Server) -> None:
    response = validate(server, "rated", {**GOOD, "password": "short"})
    assert response.json() == {"errors": {"password": "Use at least 8 characters."}}


def test_the_typed_form_named_by_the_submission_is_the_fallback(server: Server) -> None:
    # "plain" declares no validator: the hidden __form_id names the page's typed form.
    response = validate(server, "plain", {**GOOD, "password": "short"})
    assert response.json() == {"errors": {"password": "Use at least 8 characters."}}
    assert counts(server)["action"] == 0


def test_nothing_to_validate_with_is_a_404_that_says_how_to_fix_it(server: Server) -> None:
    data = {key: value for key, value in GOOD.items() if key != "__form_id"}
    response = validate(server, "plain", data)
    assert response.status_code == 404
    response = server.client.post(
        "/plain", data={"code": "abc"}, headers={"origin": server.url, **VALIDATE}
    )
    assert response.status_code == 404
    # The log names the page's file and the fix.
    assert "routes/plain/+page.server.py declares no validator" in server.log()
    assert 'validators = {"default": Model}' in server.log()


def test_an_unknown_action_and_a_wrong_body_are_the_client_s_mistakes(server: Server) -> None:
    assert validate(server, "nope", GOOD).status_code == 404
    response = server.client.post(
        "/signup?/signup",
        content=b'{"email": "x"}',
        headers={"origin": server.url, "content-type": "application/json", **VALIDATE},
    )
    assert response.status_code == 415
    assert counts(server)["validate"] == 0


def test_a_validator_returning_something_else_names_the_action(server: Server) -> None:
    response = validate(server, "unvalidated", GOOD)
    assert response.status_code == 500
    assert "validator of action 'unvalidated'" in server.log()
