"""Typed forms over real HTTP (typed_forms fixture app): native re-renders with values and
messages, the enhanced JSON failure, success paths, fail_form, the message hook, plain `def`
actions, 400 for hostile shapes, secrets never echoed, two forms on one page."""

import html
import json
import re
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite.devalue import parse

NATIVE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ENHANCED = "application/json"
PASSWORD = "Zq9-unguessable-Secret"  # unique enough to grep the raw bytes for


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "typed_forms")


def post(
    server: Server,
    path: str,
    data: Any,
    *,
    accept: str = NATIVE,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    sent = {"origin": server.url, "accept": accept, **(headers or {})}
    return server.client.post(path, data=data, headers=sent, **kwargs)


class Controls(HTMLParser):
    """Attributes of each form control and the text of each element with an id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, str] = {}
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag in ("input", "select", "textarea") and attributes.get("name"):
            key = f"{attributes.get('id') or attributes['name']}"
            self.controls[key] = attributes
        if tag == "a" and attributes.get("href", "").startswith("#"):  # type: ignore[union-attr]
            self.hrefs.append(str(attributes["href"])[1:])
        if tag != "input":
            self._open.append(str(attributes.get("id") or ""))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.texts[element_id] = self.texts.get(element_id, "") + data


def failure_data(response: httpx.Response) -> Any:
    body = response.json()
    assert body["type"] == "failure", body
    return parse(body["data"])


REGISTER_OK = {
    "__form_id": "register",
    "email": "ada@example.com",
    "password": PASSWORD,
    "age": "36",
    "terms": "true",
}


# --- register: native ----------------------------------------------------------------------------


def test_native_failure_rerenders_with_values_messages_and_400(app: Server) -> None:
    response = post(
        app,
        "/register?/register",
        {"__form_id": "register", "email": "ada@", "password": "short", "age": "12"},
    )
    assert response.status_code == 400
    page = Controls(response.text)
    email = page.controls["register-email"]
    assert email["value"] == "ada@"
    assert email["aria-invalid"] == "true"
    assert "autofocus" in email  # the first invalid field, for browsers without JavaScript
    assert page.texts["register-email-error"] == "This is not in the expected format."
    assert page.texts["register-password-error"] == "Use at least 8 characters."
    assert page.texts["register-age-error"] == "Enter a number of at least 13."
    assert page.controls["register-age"]["value"] == "12"
    assert "autofocus" not in page.controls["register-password"]
    assert "checked" not in page.controls["register-terms"]
    # The hand-written markup reads the same state.
    assert "This is not in the expected format.|ada@" in response.text
    # Every summary link and every aria-describedby names an element of the page.
    assert page.hrefs == ["register-email", "register-password", "register-age"]
    assert set(page.hrefs) <= page.ids
    for control in page.controls.values():
        for element_id in str(control.get("aria-describedby") or "").split():
            assert element_id in page.ids


def test_a_model_validator_error_is_a_form_error(app: Server) -> None:
    data = {**REGISTER_OK, "terms": ""}
    del data["terms"]
    response = post(app, "/register?/register", data)
    assert response.status_code == 400
    assert "You must accept the terms to register." in response.text
    assert "aria-invalid" not in response.text  # no field is wrong, the form is


def test_native_success(app: Server) -> None:
    response = post(app, "/register?/register", {**REGISTER_OK, "age": ""})
    assert response.status_code == 200
    assert Controls(response.text).texts["done"] == "Welcome ada@example.com (None)"
    assert "aria-invalid" not in response.text


def test_fail_form_refuses_a_valid_form_with_a_field_message(app: Server) -> None:
    response = post(app, "/register?/register", {**REGISTER_OK, "email": "taken@example.com"})
    assert response.status_code == 400
    page = Controls(response.text)
    assert page.texts["register-email-error"] == "An account with this email already exists."
    assert page.controls["register-email"]["value"] == "taken@example.com"
    assert page.controls["register-age"]["value"] == "36"
    assert "checked" in page.controls["register-terms"]
    enhanced = post(
        app, "/register?/register", {**REGISTER_OK, "email": "taken@example.com"}, accept=ENHANCED
    )
    assert failure_data(enhanced) == {
        "form_id": "register",
        "values": {"email": "taken@example.com", "age": "36", "terms": "true"},
        "errors": {"email": "An account with this email already exists."},
    }


# --- register: enhanced (JSON) -------------------------------------------------------------------


def test_enhanced_failure_is_a_devalue_failure_body(app: Server) -> None:
    response = post(
        app,
        "/register?/register",
        {"__form_id": "register", "email": "ada@", "password": PASSWORD},
        accept=ENHANCED,
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["status"], body["location"]) == ("failure", 400, "/register")
    # The model validator (terms) runs only once the fields are valid, as in pydantic.
    assert parse(body["data"]) == {
        "form_id": "register",
        "values": {"email": "ada@"},
        "errors": {"email": "This is not in the expected format."},
    }


def test_enhanced_success(app: Server) -> None:
    response = post(app, "/register?/register", REGISTER_OK, accept=ENHANCED)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "success"
    assert parse(body["data"]) == {"registered": "ada@example.com", "age": 36}


# --- the message hook ----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [NATIVE, ENHANCED])
def test_the_hook_translates_messages(app: Server, accept: str) -> None:
    response = post(
        app,
        "/register?/register",
        {"__form_id": "register", "password": "short"},
        accept=accept,
        headers={"accept-language": "fr-FR,fr;q=0.9"},
    )
    assert response.status_code == 400
    expected = {"email": "Ce champ est obligatoire.", "password": "Au moins 8 caractères."}
    if accept == ENHANCED:
        assert failure_data(response)["errors"] == expected
    else:
        page = Controls(response.text)
        assert page.texts["register-email-error"] == expected["email"]
        assert page.texts["register-password-error"] == expected["password"]


def test_without_the_language_the_hook_falls_back_to_english(app: Server) -> None:
    response = post(app, "/register?/register", {"password": "short"}, accept=ENHANCED)
    assert failure_data(response)["errors"]["email"] == "This field is required."


# --- secrets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [NATIVE, ENHANCED])
@pytest.mark.parametrize(
    "change",
    [
        {"email": "ada@"},  # invalid field
        {"email": "taken@example.com"},  # fail_form
        {"terms": ""},  # model-level error
        {"age": "12", "lang": "fr"},  # through the hook
        {},  # success
    ],
)
def test_the_password_is_never_in_a_response(
    app: Server, accept: str, change: dict[str, str]
) -> None:
    data = {**REGISTER_OK, **change}
    headers = {"accept-language": "fr"} if data.pop("lang", None) else {}
    if data["terms"] == "":
        del data["terms"]
    response = post(app, "/register?/register", data, accept=accept, headers=headers)
    assert response.status_code in (200, 400)
    assert PASSWORD.encode() not in response.content
    assert b"Zq9" not in response.content


def test_sensitive_and_file_fields_of_the_order_are_not_echoed(app: Server) -> None:
    response = post(
        app,
        "/order",
        {"customer.name": "Ada", "card": "4111111111111111", "amount": "x"},
        files={"attachment": ("secret.txt", b"file body", "text/plain")},
        accept=ENHANCED,
    )
    assert response.status_code == 400
    assert b"4111111111111111" not in response.content
    assert b"file body" not in response.content
    values = failure_data(response)["values"]
    assert values == {"customer.name": "Ada", "amount": "x"}


# --- the order: every type, nested and indexed names ---------------------------------------------

ORDER = {
    "customer.name": "Ada",
    "customer.address.city": "London",
    "customer.address.zip": "12345",
    "items[0].sku": "apple",
    "items[0].qty": "2",
    "items[1].sku": "",
    "items[1].qty": "",
    "tags": ["A", "", "b"],
    "priority": "high",
    "note": "",
    "express": "true",
    "amount": "12.50",
    "delivery": "2030-01-31",
    "card": "4111",
}


@pytest.mark.parametrize("accept", [NATIVE, ENHANCED])
def test_order_success_with_every_type(app: Server, accept: str) -> None:
    response = post(
        app,
        "/order",
        ORDER,
        files={"attachment": ("a.txt", b"hello", "text/plain")},
        accept=accept,
    )
    assert response.status_code == 200
    expected = {
        "customer": {"name": "Ada", "address": {"city": "London", "zip": "12345"}},
        "items": [{"sku": "apple", "qty": 2}],
        "tags": ["a", "b"],
        "priority": "high",
        "note": None,
        "express": True,
        "amount": "12.50",
        "delivery": "2030-01-31",
    }
    if accept == ENHANCED:
        data = parse(response.json()["data"])
        assert data == {"order": expected, "attachment": ["a.txt", 5]}
    else:
        result = re.search(r'<pre id="result">(.*?)</pre>', response.text)
        assert result is not None
        assert json.loads(html.unescape(result.group(1))) == expected


def test_order_checkbox_absent_and_no_file(app: Server) -> None:
    data = {key: value for key, value in ORDER.items() if key != "express"}
    response = post(
        app,
        "/order",
        data,
        files={"attachment": ("", b"", "application/octet-stream")},
        accept=ENHANCED,
    )
    result = parse(response.json()["data"])
    assert result["order"]["express"] is False
    assert result["attachment"] is None


def test_order_errors_name_the_index_the_browser_sent(app: Server) -> None:
    data = {
        **ORDER,
        "customer.address.city": "L",
        "items[5].sku": "kiwi",
        "items[5].qty": "0",
        "priority": "urgent",
        "amount": "12.505",
        "note": ["x", "y"],
    }
    response = post(app, "/order", data, files={"x": ("", b"")}, accept=ENHANCED)
    assert response.status_code == 400
    errors = failure_data(response)["errors"]
    assert errors == {
        "customer.address.city": "Use at least 2 characters.",
        "items[5].sku": "Choose one of the options.",
        "items[5].qty": "Enter a number of at least 1.",
        "priority": "Choose one of the options.",
        "note": "Send one value for this field, not several.",
        "amount": "Use at most 2 decimal places.",
    }


def test_order_native_failure_refills_nested_and_indexed_fields(app: Server) -> None:
    data = {**ORDER, "items[0].qty": "100", "customer.address.zip": "1"}
    response = post(app, "/order", data, files={"x": ("", b"")})
    assert response.status_code == 400
    page = Controls(response.text)
    assert page.controls["order-customer-name"]["value"] == "Ada"
    assert page.controls["order-customer-address-zip"]["value"] == "1"
    assert page.controls["order-customer-address-zip"]["aria-invalid"] == "true"
    assert "autofocus" in page.controls["order-customer-address-zip"]
    assert page.controls["order-items-0-qty"]["value"] == "100"
    assert page.texts["order-items-0-qty-error"] == "Enter a number of at most 99."
    assert "value" not in page.controls["order-card"]
    assert set(page.hrefs) <= page.ids and len(page.hrefs) == 2


def test_order_without_any_row_links_the_summary_to_the_first_row(app: Server) -> None:
    data = {key: value for key, value in ORDER.items() if not key.startswith("items[0]")}
    response = post(app, "/order", data, files={"x": ("", b"")})
    assert response.status_code == 400
    page = Controls(response.text)
    assert page.hrefs == ["order-items-0-sku"]
    assert set(page.hrefs) <= page.ids


# --- hostile shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [NATIVE, ENHANCED])
@pytest.mark.parametrize(
    "name",
    [
        "items[999999999].qty",
        "items[" + "9" * 10_000 + "].qty",
        "customer" + ".address" * 1000,
        "items" + "[0]" * 1000,
    ],
)
def test_hostile_shapes_are_a_clear_400(app: Server, accept: str, name: str) -> None:
    response = post(app, "/order", {name: "1", "customer.name": "Ada"}, accept=accept)
    assert response.status_code == 400
    assert len(response.content) < 20_000  # the name is not echoed back whole
    if accept == ENHANCED:
        body = response.json()
        assert body["type"] == "error"
        assert body["error"]["status"] == 400
        assert "The form field" in body["error"]["message"]
    else:
        assert "The form field" in response.text
        assert "<h1>400</h1>" in response.text


def urlencoded(app: Server, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    """Post exactly these pairs, repeated names and all."""
    return post(
        app,
        path,
        None,
        content=str(httpx.QueryParams(pairs)).encode(),
        accept=ENHANCED,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_a_thousand_duplicated_scalars_are_one_field_error(app: Server) -> None:
    response = urlencoded(app, "/two?/subscribe", [("email", "a@b")] * 1000)
    assert response.status_code == 400
    assert failure_data(response)["errors"] == {
        "email": "Send one value for this field, not several."
    }


def test_a_scalar_sent_with_an_index_is_not_that_field(app: Server) -> None:
    response = urlencoded(app, "/two?/subscribe", [("email[0]", "a@b"), ("email.x", "a@b")])
    assert response.status_code == 400
    assert failure_data(response)["errors"] == {"email": "This field is required."}


def test_unknown_names_are_ignored(app: Server) -> None:
    pairs = [("isAdmin", "true"), ("__proto__", "x"), ("email", "a@b"), ("a b[", "1")]
    response = urlencoded(app, "/two?/subscribe", pairs)
    assert response.status_code == 200
    assert parse(response.json()["data"]) == {"subscribed": "a@b"}


# --- plain def, catching InvalidForm, endpoints --------------------------------------------------


def test_a_plain_def_action_gets_the_model(app: Server) -> None:
    ok = post(app, "/plain-def", {"email": "a@b"})
    assert ok.status_code == 200 and Controls(ok.text).texts["subscribed"] == "a@b"
    bad = post(app, "/plain-def", {"email": "nope"}, accept=ENHANCED)
    assert bad.status_code == 400
    assert failure_data(bad)["errors"] == {"email": "This is not in the expected format."}


def test_catching_invalid_form_to_add_a_message_and_change_the_status(app: Server) -> None:
    response = post(app, "/catch", {"email": "nope", "message": "hi"})
    assert response.status_code == 422
    page = Controls(response.text)
    assert page.texts["contact-_form-error"] == "Please check the form."
    assert page.controls["contact-message"]["value"] == "hi"
    enhanced = post(app, "/catch", {"email": "a@b", "message": "long enough"}, accept=ENHANCED)
    assert parse(enhanced.json()["data"]) == {"sent": "a@b"}


def test_outside_an_action_an_invalid_form_is_a_400_error(app: Server) -> None:
    response = post(app, "/api/subscribe", {"email": "nope"}, accept=ENHANCED)
    assert response.status_code == 400
    assert response.json() == {
        "message": "The form has errors",
        "status": 400,
        "errors": {"email": "This is not in the expected format."},
    }
    ok = post(app, "/api/subscribe", {"email": "a@b"}, accept=ENHANCED)
    assert ok.json() == {"subscribed": "a@b"}


# --- two forms on one page -----------------------------------------------------------------------


def test_two_forms_with_an_email_field_do_not_show_each_others_errors(app: Server) -> None:
    response = post(
        app, "/two?/contact", {"__form_id": "contact", "email": "nope", "message": "hi"}
    )
    assert response.status_code == 400
    page = Controls(response.text)
    assert page.controls["contact-email"]["aria-invalid"] == "true"
    assert page.controls["contact-email"]["value"] == "nope"
    assert "aria-invalid" not in page.controls["subscribe-email"]
    assert "value" not in page.controls["subscribe-email"]
    assert "subscribe-email-error" not in page.ids
    assert "autofocus" in page.controls["contact-email"]
    assert "autofocus" not in page.controls["subscribe-email"]
    other = post(app, "/two?/subscribe", {"__form_id": "subscribe", "email": "x"})
    page = Controls(other.text)
    assert page.controls["subscribe-email"]["aria-invalid"] == "true"
    assert "aria-invalid" not in page.controls["contact-email"]
    assert "data-kite-error-summary" not in other.text  # only contact renders a summary
