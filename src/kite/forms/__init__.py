"""Typed forms: a pydantic model parses, validates and renders a form (docs/typed-forms.md).

`event.form(Model)` reads a submission into the model; `InvalidForm` and `fail_form` carry
failures back to the page; `forms.<id>` in templates writes the markup (`markup.py`).
"""

from __future__ import annotations

from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema
from starlette.datastructures import UploadFile

from kite.forms.schema import Sensitive, Textarea
from kite.forms.state import FORM_ID_FIELD, FormContext, InvalidForm, fail_form

__all__ = [
    "FORM_ID_FIELD",
    "FormContext",
    "InvalidForm",
    "Sensitive",
    "Textarea",
    "UploadedFile",
    "fail_form",
]


class UploadedFile(UploadFile):
    """A file field of a typed form: `avatar: UploadedFile` (or `UploadedFile | None` when
    choosing a file is optional). The value is the upload Starlette parsed — `filename`,
    `content_type`, `size`, `await file.read()`."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(UploadFile)
