"""What a model expects of each form field (kite.forms.schema): shapes, sensitivity, paths."""

import enum
from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, SecretBytes, SecretStr

from kite import Sensitive, UploadedFile
from kite.forms.schema import choices, fields_of, is_sensitive_name, resolve, shape_of


class Colour(enum.Enum):
    light_blue = "lb"
    red = "r"


class Address(BaseModel):
    city: str
    zip: str | None = None


class Line(BaseModel):
    sku: Literal["apple", "pear"]
    qty: int


class Everything(BaseModel):
    name: str
    age: int | None = None
    price: Decimal
    ratio: float = 1.0
    subscribed: bool
    colour: Colour
    size: Literal["s", "m", "l"]
    tags: list[str] = []
    address: Address
    lines: list[Line] = []
    avatar: UploadedFile | None = None
    photos: list[UploadedFile] = []
    first_name: str = Field(alias="first-name")
    password: str
    token: SecretStr
    key: SecretBytes | None = None
    card: Annotated[str, Sensitive] = ""
    hidden_note: Annotated[str, Sensitive] | None = None


@pytest.mark.parametrize(
    ("annotation", "kind", "optional"),
    [
        (str, "value", False),
        (int | None, "value", True),
        (Decimal, "value", False),
        (bool, "bool", False),
        (bool | None, "bool", True),
        (Colour, "value", False),
        (Literal["a", "b"], "value", False),
        (list[str], "list", False),
        (list[int] | None, "list", True),
        (set[str], "list", False),
        (tuple[int, ...], "list", False),
        (Address, "model", False),
        (Address | None, "model", True),
        (UploadedFile, "file", False),
        (UploadedFile | None, "file", True),
        (Annotated[int, Field(ge=0)], "value", False),
    ],
)
def test_shape_of_each_kind_of_field(annotation: Any, kind: str, optional: bool) -> None:
    shape = shape_of(annotation)
    assert (shape.kind, shape.optional) == (kind, optional)


def test_a_list_knows_its_items() -> None:
    shape = shape_of(list[Line])
    assert shape.item is not None and shape.item.kind == "model"
    assert shape.item.model is Line
    with pytest.raises(TypeError, match="is not a model"):
        _ = shape_of(str).model


def test_fields_are_keyed_by_their_form_name_in_declaration_order() -> None:
    fields = fields_of(Everything)
    assert list(fields)[:3] == ["name", "age", "price"]
    assert "first-name" in fields and "first_name" not in fields


def test_required_follows_defaults_optionality_and_checkboxes() -> None:
    fields = fields_of(Everything)
    assert fields["name"].required
    assert not fields["age"].required  # optional with a default
    assert not fields["ratio"].required  # has a default
    assert not fields["subscribed"].required  # a checkbox left unticked is a valid False


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("password", True),  # named like a password
        ("token", True),  # SecretStr (and the name)
        ("key", True),  # SecretBytes | None
        ("card", True),  # Annotated[str, Sensitive]
        ("hidden_note", True),  # Annotated[..., Sensitive] inside Optional
        ("name", False),
        ("first-name", False),
        ("tags", False),
    ],
)
def test_sensitive_fields(key: str, sensitive: bool) -> None:
    assert fields_of(Everything)[key].sensitive is sensitive


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "PASSWORD",
        "new_password",
        "password2",
        "confirm-password",
        "user.password",
        "confirmPassword",
        "passwordConfirm",
        "newPassword",
        "api_token",
        "apiToken",
        "pin",
        "pin_code",
        "otp",
        "cvc",
        "client_secret",
        "passphrase",
    ],
)
def test_password_like_names_are_sensitive(name: str) -> None:
    assert is_sensitive_name(name)


@pytest.mark.parametrize(
    "name", ["spinner", "tokenizer_name", "email", "opinion", "pinned", "secretary", "username"]
)
def test_words_that_merely_contain_a_secret_word_are_not(name: str) -> None:
    assert not is_sensitive_name(name)


def test_resolve_follows_nested_and_indexed_paths() -> None:
    assert resolve(Everything, ("address", "city")) is fields_of(Address)["city"]
    assert resolve(Everything, ("lines", 3, "qty")) is fields_of(Line)["qty"]
    assert resolve(Everything, ("tags", 0)) is fields_of(Everything)["tags"]
    assert resolve(Everything, ("nope",)) is None
    assert resolve(Everything, ("name", 0)) is None  # a plain value has no items
    assert resolve(Everything, ("name", "x")) is None
    assert resolve(Everything, ("address", 0)) is None  # a model is no list


def test_choices_of_enums_and_literals() -> None:
    assert choices(Colour) == [("lb", "Light blue"), ("r", "Red")]
    assert choices(Literal["s", "m"]) == [("s", "s"), ("m", "m")]
    assert choices(str) == []
    assert choices(int) == []


def test_secrets_inside_lists_and_optionals_are_sensitive() -> None:
    class Codes(BaseModel):
        codes: list[SecretStr] = []
        pins: list[Annotated[str, Sensitive]] | None = None
        keys: list[SecretBytes] | None = None
        notes: list[str] = []

    sensitive = {key: field.sensitive for key, field in fields_of(Codes).items()}
    assert sensitive == {"codes": True, "pins": True, "keys": True, "notes": False}
