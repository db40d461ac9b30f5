"""`forms` in templates: markup for a typed form, from its model and its last submission.

`forms.register` is a `BoundForm`: the model the page exports under `register`, bound to the
action's result when that result is this form's (its `form_id` matches), so that two forms of
one page never show each other's errors. It writes attributes, whole fields, error messages
and an error summary; hand-written markup can read `forms.register.values` and `.errors`, or
the failure's data itself (`form.errors.email`).
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Mapping
from typing import Any

import annotated_types
from markupsafe import Markup, escape
from pydantic import AnyUrl, BaseModel

from kite.forms.names import parse_name
from kite.forms.patterns import browser_pattern
from kite.forms.schema import Field, Shape, choices, fields_of, resolve
from kite.forms.state import FORM_ID_FIELD, FORM_LEVEL

__all__ = ["BoundForm", "bind_forms"]

_EMPTY: Mapping[str, BoundForm] = {}


def bind_forms(models: Mapping[str, type[BaseModel]], result: Any) -> Mapping[str, BoundForm]:
    """The `forms` of a render: each exported model bound to `result` (the action's data)."""
    if not models:
        return _EMPTY
    return {form_id: BoundForm(form_id, model, result) for form_id, model in models.items()}


class BoundForm:
    """One typed form of the page. In templates:

    <form method="POST" action="?/register">
      {{ forms.register.hidden_id() }}
      {{ forms.register.summary() }}
      {{ forms.register.field("email", label="Email") }}
      <input {{ forms.register.attrs("password") }}> {{ forms.register.error("password") }}
    </form>
    """

    def __init__(self, form_id: str, model: type[BaseModel], result: Any) -> None:
        self.id = form_id
        self.model = model
        mine = isinstance(result, dict) and result.get("form_id") == form_id
        self.submitted = mine
        self.values: dict[str, Any] = dict(result.get("values") or {}) if mine else {}
        self.errors: dict[str, str] = dict(result.get("errors") or {}) if mine else {}
        # The control that gets `autofocus`: the first invalid field's (the first row's for
        # an error about a whole list); None when only the form as a whole is in error, and
        # then the summary takes it.
        self.first_invalid = next(
            (
                self._first_control(name)
                for name in self.errors
                if name != FORM_LEVEL and resolve(model, _segments(name)) is not None
            ),
            None,
        )

    def __repr__(self) -> str:
        return f"<BoundForm {self.id!r} of {self.model.__name__}>"

    # --- pieces ---------------------------------------------------------------------------

    def hidden_id(self) -> Markup:
        """The hidden input that tells the server which form of the page was sent."""
        return Markup('<input type="hidden" name="{}" value="{}">').format(FORM_ID_FIELD, self.id)

    def input_id(self, name: str) -> str:
        """The `id` of the control for a field: `register-email`, `order-items-0-qty`."""
        return f"{self.id}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")

    def error_id(self, name: str) -> str:
        return self.input_id(name) + "-error"

    def value(self, name: str) -> Any:
        """What the control shows: the submitted value after a failure of this form, else
        the model's default (never for sensitive fields)."""
        form_field = self._field(name)
        if form_field.sensitive:
            return None
        if self.submitted:
            return self.values.get(name)
        if form_field.info.is_required():
            return None
        default = form_field.info.get_default(call_default_factory=True)
        return None if default is None else _as_text(default)

    def label(self, name: str) -> str:
        form_field = self._field(name)
        if form_field.info.title:
            return form_field.info.title
        last = [s for s in parse_name(name) or (name,) if isinstance(s, str)][-1]
        return last.replace("_", " ").replace("-", " ").capitalize()

    def attrs(self, name: str, *, element: str | None = None, **extra: Any) -> Markup:
        """The attributes of the control for `name`: name, id, type, value, required, the
        model's constraints, the ARIA state of its error, autofocus on the first invalid
        field — only those valid on `element` ("input", "textarea" or "select"; by default
        the one `field()` writes for it). Keyword arguments add or override attributes
        (`class_="wide"`, `autocomplete="email"`; True writes a bare attribute, False/None
        leaves it out)."""
        return _render_attributes(self._attributes(name, extra, element))

    def element(self, name: str) -> str:
        """The element `field()` writes for `name`: "select" for an Enum or Literal (or a
        list of them), "textarea" for a field marked `Textarea`, else "input"."""
        form_field = self._field(name)
        if choices(_choice_type(form_field.shape)):
            return "select"
        return "textarea" if form_field.multiline else "input"

    def error(self, name: str) -> Markup:
        """The message of the field (or `"_form"`), in the element `aria-describedby` names;
        empty when the field is valid."""
        message = self.errors.get(name)
        if not message:
            return Markup("")
        return Markup('<p class="kite-field-error" id="{}">{}</p>').format(
            self.error_id(name), message
        )

    def field(
        self, name: str, label: str | None = None, *, element: str | None = None, **extra: Any
    ) -> Markup:
        """Label, control (`element`, by default the model's: see `element()`), hint (the
        field's `description`) and error of one field."""
        form_field = self._field(name)
        text = label if label is not None else self.label(name)
        label_tag = Markup('<label for="{}">{}</label>').format(self.input_id(name), text)
        control = self._control(name, element or self.element(name), extra)
        hint = self._hint(name, form_field)
        classes = "kite-field kite-field-invalid" if name in self.errors else "kite-field"
        if form_field.shape.kind == "bool":
            inner = Markup("{} {}{}{}").format(control, label_tag, hint, self.error(name))
        else:
            inner = Markup("{}{}{}{}").format(label_tag, hint, control, self.error(name))
        return Markup('<div class="{}">{}</div>').format(classes, inner)

    def summary(self, title: str = "There is a problem") -> Markup:
        """A list of the errors linking to each invalid field, read out by screen readers
        (`role="alert"`); empty when there are none."""
        if not self.errors:
            return Markup("")
        items = []
        for name, message in self.errors.items():
            if name == FORM_LEVEL or resolve(self.model, _segments(name)) is None:
                items.append(Markup("<li>{}</li>").format(message))
            else:
                items.append(
                    Markup('<li><a href="#{}">{}: {}</a></li>').format(
                        self.input_id(self._first_control(name)), self.label(name), message
                    )
                )
        autofocus = Markup(" autofocus") if self.first_invalid is None else Markup("")
        return Markup(
            '<div class="kite-error-summary" data-kite-error-summary role="alert" '
            'tabindex="-1"{}><p class="kite-error-summary-title">{}</p><ul>{}</ul></div>'
        ).format(autofocus, title, Markup("").join(items))

    # --- how each is made -------------------------------------------------------------------

    def _field(self, name: str) -> Field:
        form_field = resolve(self.model, _segments(name))
        if form_field is None:
            known = ", ".join(fields_of(self.model))
            raise KeyError(
                f"The form {self.id!r} ({self.model.__name__}) has no field {name!r}; "
                f"its fields are: {known}"
            )
        return form_field

    def _first_control(self, name: str) -> str:
        """The control an error of `name` leads to: the field itself, or for a list of models
        ("Add at least one item") the first field of its first row, which has an id."""
        shape = self._field(name).shape
        while shape.kind in ("list", "model"):
            if shape.kind == "list":
                if shape.item is None or shape.item.kind not in ("list", "model"):
                    break
                name, shape = f"{name}[0]", shape.item
            else:
                first = next(iter(fields_of(shape.model).values()), None)
                if first is None:
                    break
                name, shape = f"{name}.{first.key}", first.shape
        return name

    def _hint(self, name: str, form_field: Field) -> Markup:
        if not form_field.info.description:
            return Markup("")
        return Markup('<p class="kite-field-hint" id="{}-hint">{}</p>').format(
            self.input_id(name), form_field.info.description
        )

    def _attributes(
        self, name: str, extra: Mapping[str, Any], element: str | None = None
    ) -> dict[str, Any]:
        form_field = self._field(name)
        element = element or self.element(name)
        if element not in _NOT_ON:
            raise ValueError(
                f"element={element!r}: the form helpers write input, textarea or select"
            )
        shape = form_field.shape
        attributes: dict[str, Any] = {"name": name, "id": self.input_id(name)}
        attributes.update(_type_attributes(name, form_field))
        value = self.value(name)
        if shape.kind == "bool":
            attributes["value"] = "true"
            attributes["checked"] = _truthy(value)
        elif (
            element == "input" and attributes.get("type") != "file" and not isinstance(value, list)
        ):
            attributes["value"] = value
        attributes["required"] = form_field.required
        attributes.update(_constraints(form_field))
        attributes = _valid_on(element, attributes)
        described = []
        if form_field.info.description:
            described.append(self.input_id(name) + "-hint")
        if name in self.errors:
            attributes["aria-invalid"] = "true"
            described.append(self.error_id(name))
        if described:
            attributes["aria-describedby"] = " ".join(described)
        attributes["autofocus"] = name == self.first_invalid
        for key, given in extra.items():
            attributes[key.rstrip("_").replace("_", "-")] = given
        return attributes

    def _control(self, name: str, element: str, extra: Mapping[str, Any]) -> Markup:
        attributes = _render_attributes(self._attributes(name, extra, element))
        if element == "textarea":
            value = self.value(name)
            text = "" if value is None or isinstance(value, list) else _as_text(value)
            # The HTML parser drops one newline right after <textarea>: keep the value's own.
            lead = "\n" if text.startswith(("\n", "\r")) else ""
            return Markup("<textarea {}>{}{}</textarea>").format(attributes, lead, text)
        if element == "input":
            return Markup("<input {}>").format(attributes)
        chosen = self.value(name)
        chosen_set = {str(v) for v in chosen} if isinstance(chosen, list) else {str(chosen)}
        multiple = self._field(name).shape.kind == "list"
        rendered = [] if multiple else [Markup('<option value="">—</option>')]
        for value, label in choices(_choice_type(self._field(name).shape)):
            selected = Markup(" selected") if value in chosen_set else Markup("")
            rendered.append(
                Markup('<option value="{}"{}>{}</option>').format(value, selected, label)
            )
        return Markup("<select {}>{}</select>").format(attributes, Markup("").join(rendered))


# Attributes an element never takes; an <input> takes some only for some types.
_NOT_ON: dict[str, frozenset[str]] = {
    "input": frozenset(),
    "textarea": frozenset(
        {"type", "value", "pattern", "min", "max", "step", "multiple", "checked", "accept"}
    ),
    "select": frozenset(
        {"type", "value", "pattern", "min", "max", "step", "minlength", "maxlength"}
        | {"checked", "accept", "placeholder"}
    ),
}
_TEXT_TYPES = frozenset({"text", "search", "url", "tel", "email", "password"})
_INPUT_TYPES_OF: dict[str, frozenset[str]] = {
    "pattern": _TEXT_TYPES,
    "minlength": _TEXT_TYPES,
    "maxlength": _TEXT_TYPES,
    "min": frozenset({"number", "range", "date", "datetime-local", "month", "time", "week"}),
    "max": frozenset({"number", "range", "date", "datetime-local", "month", "time", "week"}),
    "step": frozenset({"number", "range", "date", "datetime-local", "month", "time", "week"}),
    "multiple": frozenset({"email", "file"}),
    "checked": frozenset({"checkbox", "radio"}),
    "accept": frozenset({"file"}),
}


def _valid_on(element: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes the element takes (HTML ignores the rest, or worse: `type` on a
    <textarea> is invalid markup, and a `pattern` on a number input is never checked)."""
    if element != "input":
        return {key: value for key, value in attributes.items() if key not in _NOT_ON[element]}
    kind = attributes.get("type", "text")
    return {
        key: value
        for key, value in attributes.items()
        if key not in _INPUT_TYPES_OF or kind in _INPUT_TYPES_OF[key]
    }


def _segments(name: str) -> tuple[str | int, ...]:
    path = parse_name(name) or ()
    return tuple(s for s in path if isinstance(s, str | int))


def _choice_type(shape: Shape) -> Any:
    if shape.kind == "list" and shape.item is not None:
        return shape.item.python_type
    return shape.python_type


def _type_attributes(name: str, form_field: Field) -> dict[str, Any]:
    shape = form_field.shape
    if shape.kind == "bool":
        return {"type": "checkbox"}
    if shape.kind == "file":
        return {"type": "file"}
    if shape.kind == "list":
        item = shape.item
        if item is not None and choices(item.python_type):
            return {"multiple": True}
        if item is not None and item.kind == "file":
            return {"type": "file", "multiple": True}
    python_type = shape.python_type
    if choices(python_type):
        return {}
    if form_field.sensitive:
        return {"type": "password"}
    if python_type is int:
        return {"type": "number", "step": 1}
    if python_type is float:
        return {"type": "number", "step": "any"}
    if python_type is decimal.Decimal:
        places = _decimal_places(form_field)
        return {"type": "number", "step": f"{decimal.Decimal(1).scaleb(-places)}"}
    if python_type is datetime.datetime:
        return {"type": "datetime-local"}
    if python_type is datetime.date:
        return {"type": "date"}
    if python_type is datetime.time:
        return {"type": "time"}
    if isinstance(python_type, type) and issubclass(python_type, AnyUrl):
        return {"type": "url"}
    last = name.rsplit(".", 1)[-1].lower()
    if last == "email" or last.endswith("_email"):
        return {"type": "email"}
    return {"type": "text"}


def _decimal_places(form_field: Field) -> int:
    for item in form_field.info.metadata:
        places = getattr(item, "decimal_places", None)
        if isinstance(places, int):
            return places
    return 2


def _constraints(form_field: Field) -> dict[str, Any]:
    """HTML's constraint attributes from the model's, so that the browser checks first
    (the server checks again: it is the authority)."""
    numeric = form_field.shape.python_type in (int, float, decimal.Decimal)
    found: dict[str, Any] = {}
    for item in form_field.info.metadata:
        if isinstance(item, annotated_types.MinLen) and not numeric:
            found["minlength"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen) and not numeric:
            found["maxlength"] = item.max_length
        elif isinstance(item, annotated_types.Ge):
            found["min"] = item.ge
        elif isinstance(item, annotated_types.Gt):
            # HTML has no exclusive minimum; for whole numbers the next one is exact.
            found["min"] = _next(item.gt, 1) if form_field.shape.python_type is int else item.gt
        elif isinstance(item, annotated_types.Le):
            found["max"] = item.le
        elif isinstance(item, annotated_types.Lt):
            found["max"] = _next(item.lt, -1) if form_field.shape.python_type is int else item.lt
        elif isinstance(item, annotated_types.MultipleOf):
            found["step"] = item.multiple_of
        elif getattr(item, "pattern", None) is not None:
            # Only as the browser can check it, or not at all (kite/forms/patterns.py).
            found["pattern"] = browser_pattern(item.pattern)
    return found


def _next(bound: Any, step: int) -> Any:
    return bound + step if isinstance(bound, int) else bound


def _render_attributes(attributes: Mapping[str, Any]) -> Markup:
    parts = []
    for key, value in attributes.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(Markup(escape(key)))
        else:
            parts.append(Markup('{}="{}"').format(key, _as_text(value)))
    return Markup(" ").join(parts)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float):
        return str(value.value)  # an Enum member
    return str(value)


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else None
    if isinstance(value, str):
        return value.lower() in ("true", "on", "1", "yes", "y", "t")
    return bool(value)
