"""Validating a submission and the failure state (kite.forms.state): values minus secrets,
one message per field name, `_form`, the message hook, fail_form, InvalidForm."""

import asyncio
import io
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, IPvAnyAddress, SecretStr, model_validator
from starlette.datastructures import FormData, Headers, UploadFile

from kite import Sensitive, UploadedFile, fail_form, is_action_failure, is_http_error
from kite.forms.decode import FormShapeError
from kite.forms.state import FORM_ID_FIELD, FormContext, InvalidForm, validate_form, word_errors


class Item(BaseModel):
    qty: int = Field(ge=1)


class Address(BaseModel):
    city: str = Field(min_length=2)


class Signup(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    password: SecretStr = Field(min_length=8)
    confirm_password: str = ""
    pin: str = ""
    card: Annotated[str, Sensitive] = ""
    api_key: SecretStr | None = None
    age: int | None = None
    address: Address | None = None
    items: list[Item] = []
    tags: list[str] = []
    avatar: UploadedFile | None = None

    @model_validator(mode="after")
    def passwords_match(self) -> "Signup":
        if self.confirm_password and self.confirm_password != self.password.get_secret_value():
            raise ValueError("The passwords do not match.")
        return self


SECRETS = {
    "password": "hunter2hunter2",
    "confirm_password": "hunter3hunter3",
    "pin": "1234",
    "card": "4111111111111111",
    "api_key": "sk-live-abc",
}


def form(*pairs: tuple[str, str | UploadFile]) -> FormData:
    return FormData(list(pairs))


def upload(filename: str = "me.png") -> UploadFile:
    return UploadFile(
        io.BytesIO(b"png"),
        size=3,
        filename=filename,
        headers=Headers({"content-type": "image/png"}),
    )


def invalid(*pairs: tuple[str, str | UploadFile], **kwargs: Any) -> dict[str, Any]:
    """The failure state with its messages, as an action gets it."""
    instance, state, described = validate_form(Signup, form(*pairs), **kwargs)
    assert instance is None and state is not None
    return asyncio.run(word_errors(state, described, None, None))


def test_a_valid_submission_is_the_model() -> None:
    instance, state, described = validate_form(
        Signup, form(("email", "a@b"), ("password", "longenough"), ("age", ""))
    )
    assert isinstance(instance, Signup) and instance.age is None
    assert (state, described) == (None, [])


def test_errors_are_keyed_by_form_name_in_field_order() -> None:
    state = invalid(
        ("items[0].qty", "0"),
        ("address.city", "x"),
        ("password", "short"),
        ("email", "nope"),
    )
    assert list(state["errors"]) == ["email", "password", "address.city", "items[0].qty"]
    assert state["errors"]["items[0].qty"] == "Enter a number of at least 1."
    assert state["errors"]["password"] == "Use at least 8 characters."


def test_an_error_names_the_index_the_browser_sent() -> None:
    state = invalid(
        ("email", "a@b"),
        ("password", "longenough"),
        ("items[2].qty", "3"),
        ("items[5].qty", "0"),
    )
    assert state["errors"] == {"items[5].qty": "Enter a number of at least 1."}
    assert state["values"]["items[5].qty"] == "0"


def test_an_error_about_an_item_of_a_plain_list_belongs_to_the_list() -> None:
    class Numbers(BaseModel):
        numbers: list[int]

    _, state, described = validate_form(Numbers, form(("numbers", "1"), ("numbers", "x")))
    assert state is not None
    assert [error["field"] for error in described] == ["numbers"]


def test_model_level_errors_are_form_errors() -> None:
    state = invalid(("email", "a@b"), ("password", "longenough"), ("confirm_password", "other"))
    assert state["errors"] == {"_form": "The passwords do not match."}


def test_duplicated_scalars_are_a_field_error_not_a_crash() -> None:
    state = invalid(*[("email", "a@b")] * 1000, ("password", "longenough"))
    assert state["errors"] == {"email": "Send one value for this field, not several."}


def test_hostile_shapes_raise_form_shape_error() -> None:
    with pytest.raises(FormShapeError):
        validate_form(Signup, form(("items[999999999].qty", "1")))
    with pytest.raises(FormShapeError):
        validate_form(Signup, form(("address" + ".city" * 1000, "1")))


def test_unknown_names_are_neither_validated_nor_sent_back() -> None:
    state = invalid(("email", "nope"), ("password", "longenough"), ("isAdmin", "1"))
    assert "isAdmin" not in state["values"]


def test_secrets_are_never_in_the_values() -> None:
    pairs = [(name, value) for name, value in SECRETS.items()]
    state = invalid(("email", "nope"), *pairs)
    assert state["values"] == {"email": "nope"}
    assert not any(secret in repr(state) for secret in SECRETS.values())


def test_files_are_not_values_but_other_fields_are() -> None:
    state = invalid(
        ("email", "nope"), ("avatar", upload()), ("age", "x"), ("tags", "a"), ("tags", "b")
    )
    assert state["values"] == {"email": "nope", "age": "x", "tags": ["a", "b"]}


def test_a_single_item_of_a_list_is_a_list_value() -> None:
    state = invalid(("email", "nope"), ("tags", "a"))
    assert state["values"]["tags"] == ["a"]


def test_the_form_id_comes_from_the_submission_then_the_export_then_the_class() -> None:
    context = FormContext({"signup": Signup})
    pairs = (("email", "nope"), ("password", "longenough"))
    assert invalid(*pairs)["form_id"] == "Signup"
    assert invalid(*pairs, context=context)["form_id"] == "signup"
    assert invalid(*pairs, (FORM_ID_FIELD, "footer"), context=context)["form_id"] == "footer"
    # An absurdly long id is not believed.
    assert invalid(*pairs, (FORM_ID_FIELD, "x" * 1000), context=context)["form_id"] == "signup"


def test_the_message_hook_rewrites_messages_and_falls_back_on_none() -> None:
    seen: list[dict[str, Any]] = []

    async def hook(error: dict[str, Any], event: Any) -> str | None:
        seen.append(error)
        if error["type"] == "missing":
            return f"Il manque {error['field']}."
        return None

    _, state, described = validate_form(Signup, form(("email", "nope")))
    assert state is not None
    worded = asyncio.run(word_errors(state, described, hook, "the event"))
    assert worded["errors"] == {
        "email": "This is not in the expected format.",
        "password": "Il manque password.",
    }
    assert {"type", "loc", "ctx", "field", "message"} <= set(seen[0])


def test_a_sync_hook_works_too() -> None:
    _, state, described = validate_form(Signup, form(("email", "nope")))
    assert state is not None
    worded = asyncio.run(word_errors(state, described, lambda error, event: "Nope.", None))
    assert set(worded["errors"].values()) == {"Nope."}


def test_invalid_form_is_a_400_http_error_with_the_messages() -> None:
    state = invalid(("email", "nope"), ("password", "longenough"))
    error = InvalidForm(state)
    assert is_http_error(error, 400)
    assert error.errors == {"email": "This is not in the expected format."}
    assert error.body == {
        "message": "The form has errors",
        "status": 400,
        "errors": {"email": "This is not in the expected format."},
    }
    failure = error.fail(422)
    assert is_action_failure(failure) and failure.status == 422 and failure.data is state
    assert error.fail().status == 400


def test_fail_form_outside_a_request_carries_no_values() -> None:
    failure = fail_form(Signup, {"email": "Taken."}, status=409)
    assert failure.status == 409
    assert failure.data == {"form_id": "Signup", "values": {}, "errors": {"email": "Taken."}}
    instance = Signup(email="a@b", password=SecretStr("longenough"))
    assert fail_form(instance, {"_form": "No."}).data["errors"] == {"_form": "No."}


def test_the_hook_sees_secret_lengths_as_text_lengths() -> None:
    # SecretStr reports "too_short" like a list; the message and the hook treat it as text.
    _, state, described = validate_form(Signup, form(("email", "a@b"), ("password", "short")))
    assert state is not None
    types = {error["field"]: error["type"] for error in described}
    assert types == {"password": "string_too_short"}
    worded = asyncio.run(
        word_errors(state, described, lambda e, _: f"{e['ctx']['min_length']}+", None)
    )
    assert worded["errors"] == {"password": "8+"}


def test_every_error_has_a_message_template_for_gettext() -> None:
    class Odd(BaseModel):
        where: IPvAnyAddress  # an error type without a message of Kite's

    _, _, described = validate_form(Odd, form(("where", "soon")))
    assert [(e["type"], e["message_template"]) for e in described] == [
        ("ip_any_address", "This value is not valid.")
    ]
    _, _, described = validate_form(
        Signup, form(("email", "a@b"), ("password", "longenough"), ("confirm_password", "x"))
    )
    assert [(e["field"], e["message_template"]) for e in described] == [
        ("_form", "The passwords do not match.")
    ]
    _, _, described = validate_form(Signup, form(("email", "a@b"), ("password", "short")))
    assert described[0]["message_template"] == "Use at least {min_length} characters."


def test_a_model_derived_from_an_exported_one_belongs_to_its_form() -> None:
    class Stricter(Signup):
        nickname: str

    context = FormContext({"signup": Signup})
    _, state, _ = validate_form(Stricter, form(("email", "nope")), context=context)
    assert state is not None and state["form_id"] == "signup"


def test_secret_items_of_a_list_are_never_in_the_values() -> None:
    class Recovery(BaseModel):
        email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
        codes: list[SecretStr]

    _, state, _ = validate_form(
        Recovery, form(("email", "nope"), ("codes", "c0de-one"), ("codes[]", "c0de-two"))
    )
    assert state is not None and state["values"] == {"email": "nope"}
