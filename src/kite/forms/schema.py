"""What a pydantic model expects of each form field: its shape (a value, a checkbox, a file,
a nested model, a list), whether it may be left empty, and whether its value is a secret.

The decoder uses the shape to build the model's input from flat form data; the markup
helpers use it to choose `type`, `required` and the constraint attributes.
"""

from __future__ import annotations

import enum
import functools
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, SecretBytes, SecretStr
from pydantic.fields import FieldInfo
from starlette.datastructures import UploadFile

__all__ = [
    "Field",
    "Sensitive",
    "Shape",
    "Textarea",
    "fields_of",
    "is_sensitive_name",
    "resolve",
]


class _SensitiveMarker:
    """Marks a field whose submitted value must never be sent back to the browser."""

    def __repr__(self) -> str:
        return "Sensitive"


Sensitive: typing.Final = _SensitiveMarker()
"""Use as `card_number: Annotated[str, Sensitive]`: the value is never refilled or echoed."""


class _TextareaMarker:
    """Marks a text field written as a `<textarea>` (several lines)."""

    def __repr__(self) -> str:
        return "Textarea"


Textarea: typing.Final = _TextareaMarker()
"""Use as `bio: Annotated[str, Textarea]`: `field()` writes a `<textarea>`, not an `<input>`."""

_LIST_ORIGINS = (list, set, frozenset, tuple, typing.Sequence, typing.AbstractSet)
_SECRET_TYPES = (SecretStr, SecretBytes)
# Whole words of a field name that say "secret": `password`, `new_password`, `api_token`,
# `pin`, but not `spinner` or `tokenizer_name`.
_SECRET_WORDS = re.compile(
    r"(?:^|[_\-.])(?:password|passwd|passphrase|secret|token|pin|cvc|cvv|otp)(?:$|[_\-.\d])",
    re.IGNORECASE,
)


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_sensitive_name(name: str) -> bool:
    """Whether a field name says its value is a secret (`password`, `confirm_password`,
    `confirmPassword`)."""
    # camelCase words (an alias such as `newPassword`) count as words too.
    return bool(_SECRET_WORDS.search(_CAMEL_BOUNDARY.sub("_", name)))


@dataclass(frozen=True)
class Shape:
    """How one model field travels in a form.

    `kind` is "value" (text, numbers, choices), "bool" (a checkbox: absent means False),
    "file", "model" (nested fields with dotted names) or "list" (`item` says of what).
    `python_type` is the field's type without Optional/Annotated (`int`, `str`, an Enum, a
    Literal, the nested model...).
    """

    kind: Literal["value", "bool", "file", "model", "list"]
    python_type: Any
    optional: bool = False
    item: Shape | None = None

    @property
    def model(self) -> type[BaseModel]:
        if self.kind != "model":
            raise TypeError(f"{self.python_type!r} is not a model")
        model: type[BaseModel] = self.python_type
        return model


@dataclass(frozen=True)
class Field:
    """One field of a model as the form sees it: `key` is its form name segment (the alias
    when the field has one), `info` pydantic's FieldInfo."""

    key: str
    shape: Shape
    info: FieldInfo
    sensitive: bool
    multiline: bool = False  # marked `Textarea`

    @property
    def required(self) -> bool:
        return self.info.is_required() and not self.shape.optional and self.shape.kind != "bool"


@functools.cache
def fields_of(model: type[BaseModel]) -> dict[str, Field]:
    """The model's fields by form name segment, in declaration order (the form's order)."""
    fields: dict[str, Field] = {}
    for name, info in model.model_fields.items():
        key = info.validation_alias if isinstance(info.validation_alias, str) else None
        key = key or info.alias or name
        shape = shape_of(info.annotation)
        sensitive = (
            any(item is Sensitive or item is _SensitiveMarker for item in _metadata(info))
            or _is_secret_type(info.annotation)
            or is_sensitive_name(key)
        )
        multiline = any(item is Textarea for item in _metadata(info))
        fields[key] = Field(key, shape, info, sensitive, multiline)
    return fields


def shape_of(annotation: Any) -> Shape:
    annotation, optional = _strip_optional(_strip_annotated(annotation))
    origin = typing.get_origin(annotation)
    if origin in _LIST_ORIGINS:
        arguments = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        item = shape_of(arguments[0]) if arguments else Shape("value", Any)
        return Shape("list", annotation, optional, item)
    if annotation is bool:
        return Shape("bool", bool, optional)
    if isinstance(annotation, type) and issubclass(annotation, UploadFile):
        return Shape("file", annotation, optional)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("model", annotation, optional)
    return Shape("value", annotation, optional)


def resolve(model: type[BaseModel], path: tuple[str | int, ...]) -> Field | None:
    """The field a path leads to (`("items", 0, "qty")` → the `qty` field of the item model);
    None when the model has no such field."""
    current: type[BaseModel] | None = model
    found: Field | None = None
    for segment in path:
        if isinstance(segment, int):
            if found is None or found.shape.kind != "list":
                return None
            continue
        if current is None:
            return None
        found = fields_of(current).get(segment)
        if found is None:
            return None
        current = _model_inside(found.shape)
    return found


def choices(python_type: Any) -> list[tuple[str, str]]:
    """(value, label) pairs of an Enum or Literal type; empty for anything else."""
    if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
        return [(str(member.value), _label(member.name)) for member in python_type]
    if typing.get_origin(python_type) is Literal:
        return [(str(value), str(value)) for value in typing.get_args(python_type)]
    return []


def _model_inside(shape: Shape) -> type[BaseModel] | None:
    while shape.kind == "list" and shape.item is not None:
        shape = shape.item
    return shape.model if shape.kind == "model" else None


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _metadata(info: FieldInfo) -> Iterator[Any]:
    yield from info.metadata
    # Annotated[...] inside Optional or a list keeps its metadata on the inner type.
    yield from _nested_metadata(info.annotation)


def _nested_metadata(annotation: Any) -> Iterator[Any]:
    for argument in typing.get_args(annotation):
        if typing.get_origin(argument) is Annotated:
            yield from typing.get_args(argument)[1:]
        yield from _nested_metadata(argument)


def _is_secret_type(annotation: Any) -> bool:
    shape = shape_of(annotation)
    # list[SecretStr]: each item is a secret.
    while shape.kind == "list" and shape.item is not None:
        shape = shape.item
    python_type = shape.python_type
    return isinstance(python_type, type) and issubclass(python_type, _SECRET_TYPES)


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(arguments) < len(typing.get_args(annotation))
        if len(arguments) == 1:
            return _strip_annotated(arguments[0]), optional
        return annotation, optional
    return annotation, False
