"""A submitted typed form: validating it, and what a failure sends back to the page.

The failure's data is the form's state as templates read it:

    {"form_id": "register", "values": {"email": "ada@"}, "errors": {"email": "…"}}

`values` are what the browser sent (so the page shows what the user typed, even when it is
not valid), keyed by field name, minus files and sensitive fields; `errors` one message per
field name (`address.city`, `items[2].qty`), in the order of the form's fields, with
`_form` for errors about the whole form (a model validator).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from kite._current import event_var
from kite.exceptions import ActionFailure, HttpError
from kite.forms.decode import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_INDEX,
    Decoded,
    FormShapeError,
    decode,
)
from kite.forms.messages import default_message, message_template
from kite.forms.names import parse_name
from kite.forms.schema import Field, fields_of, resolve

__all__ = [
    "FORM_ID_FIELD",
    "FORM_LEVEL",
    "FormContext",
    "InvalidForm",
    "fail_form",
    "form_state",
    "read_form",
    "validate_form",
]

Model = TypeVar("Model", bound=BaseModel)

FORM_ID_FIELD = "__form_id"
"""The hidden input that tells which form of the page was submitted."""
FORM_LEVEL = "_form"
"""The key of errors about the form as a whole (pydantic field names cannot start with _)."""
_MAX_FORM_ID_LENGTH = 100

MessageHook = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class FormContext:
    """What the current route knows about typed forms: the `forms` its modules export, and
    the app's `form_error_message` hook."""

    models: Mapping[str, type[BaseModel]]
    message_hook: MessageHook | None = None

    def form_id(self, model: type[BaseModel], form_data: FormData | None) -> str:
        """The submitted form's id: the hidden `__form_id` input, else the name under which
        the page exports this model (or a model it derives from: a form whose buttons post
        to two actions may validate with `Login` and `Registration(Login)`), else the
        model's class name."""
        submitted = form_data.get(FORM_ID_FIELD) if form_data is not None else None
        if isinstance(submitted, str) and 0 < len(submitted) <= _MAX_FORM_ID_LENGTH:
            return submitted
        for name, exported in self.models.items():
            if exported is model:
                return name
        for name, exported in self.models.items():
            if issubclass(model, exported):
                return name
        return model.__name__


NO_FORMS = FormContext({})


class _FormsRequest(Protocol):
    @property
    def parsed_form(self) -> FormData | None: ...


class FormsEvent(Protocol):
    """What this module needs of a request event (kite.server.event.RequestEvent is one):
    the form its request parsed, and the typed forms of the route it matched."""

    @property
    def request(self) -> _FormsRequest: ...

    @property
    def form_context(self) -> FormContext: ...


class InvalidForm(HttpError):
    """Raised by `event.form(Model)` when the submission does not validate.

    In a form action Kite answers it as `fail(400, state)` — the page re-renders with the
    values and messages; catch it to add errors or change the status. Elsewhere (a load, an
    endpoint) it is a 400 error whose body lists the messages.
    """

    def __init__(self, state: dict[str, Any], *, status: int = 400) -> None:
        errors = state.get("errors", {})
        super().__init__(
            status, {"message": "The form has errors", "status": status, "errors": errors}
        )
        self.state = state

    @property
    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = self.state["errors"]
        return errors

    def fail(self, status: int | None = None) -> ActionFailure:
        """The failure to return from an action: `return invalid.fail()`."""
        return ActionFailure(status or self.status, self.state)


async def _call(hook: MessageHook, error: dict[str, Any], event: Any) -> Any:
    result = hook(error, event)
    return await result if inspect.isawaitable(result) else result


def validate_form(
    model: type[Model],
    form_data: FormData,
    *,
    context: FormContext = NO_FORMS,
    max_index: int = DEFAULT_MAX_INDEX,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> tuple[Model | None, dict[str, Any] | None, list[dict[str, Any]]]:
    """Validate the submission: (the model, None, []) when valid, else (None, the failure
    state without messages, the errors to word). Raises FormShapeError for input no form
    could send."""
    decoded = decode(model, form_data.multi_items(), max_index=max_index, max_depth=max_depth)
    errors = list(decoded.errors)
    instance: Model | None = None
    try:
        instance = model.model_validate(decoded.data)
    except ValidationError as exc:
        errors.extend(dict(error) for error in exc.errors(include_url=False, include_input=False))
    if not errors:
        return instance, None, []
    described = _describe(model, errors, decoded)
    state = form_state(model, form_data, context.form_id(model, form_data))
    return None, state, described


async def word_errors(
    state: dict[str, Any], described: list[dict[str, Any]], hook: MessageHook | None, event: Any
) -> dict[str, Any]:
    """Put each error's message into the state, through the app's hook when it has one."""
    messages: dict[str, str] = {}
    for error in described:
        if error["field"] in messages:
            continue  # one message per field: the first, as pydantic orders them
        message = error["message"]
        if hook is not None:
            message = await _call(hook, dict(error), event) or message
        messages[error["field"]] = str(message)
    state["errors"] = messages
    return state


def form_state(
    model: type[BaseModel],
    form_data: FormData | None,
    form_id: str,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The state a failure sends back: id, the submitted values that may be shown again,
    errors."""
    return {
        "form_id": form_id,
        "values": _refill_values(model, form_data.multi_items() if form_data else []),
        "errors": dict(errors or {}),
    }


def fail_form(
    form: BaseModel | type[BaseModel], errors: Mapping[str, str], *, status: int = 400
) -> ActionFailure:
    """A failure for a form that validated but was refused all the same — the email is
    taken, the code expired:

        return fail_form(form, {"email": "An account with this email already exists."})

    Keys are field names as in the form (`address.city`), or `"_form"` for the whole form;
    the submitted values go back as for any invalid form.
    """
    model = form if isinstance(form, type) else type(form)
    # The event being handled: fail_form is called from an action, which has it.
    event: FormsEvent | None = event_var.get()
    form_data = event.request.parsed_form if event is not None else None
    context = event.form_context if event is not None else NO_FORMS
    state = form_state(model, form_data, context.form_id(model, form_data), errors)
    return ActionFailure(status, state)


def _refill_values(
    model: type[BaseModel], items: Iterable[tuple[str, str | UploadFile]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in items:
        if not isinstance(value, str):
            continue  # a file cannot be put back into a file input
        path = parse_name(name)
        if path is None:
            continue
        form_field = resolve(model, tuple(s for s in path if isinstance(s, str | int)))
        if form_field is None or form_field.sensitive:
            continue
        if name in values:
            previous = values[name]
            # In place: copying the list for each repeat would be quadratic in the repeats.
            if isinstance(previous, list):
                previous.append(value)
            else:
                values[name] = [previous, value]
        elif form_field.shape.kind == "list":
            values[name] = [value]
        else:
            values[name] = value
    return values


def _describe(
    model: type[BaseModel], errors: list[dict[str, Any]], decoded: Decoded
) -> list[dict[str, Any]]:
    """Each error with the form field name it belongs to and its default message, in the
    order of the model's fields."""
    order = {key: position for position, key in enumerate(fields_of(model))}
    described = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        name = _field_name(model, loc, decoded.indexes)
        context = error.get("ctx") or {}
        wording = error["type"]
        if wording in ("too_short", "too_long") and not _is_list(model, name):
            # SecretStr reports its length as a collection's: it is text all the same.
            wording = "string_" + wording
        message = default_message(wording, context)
        described.append(
            {
                # The type the message was chosen by, so that an app's catalogue (the hook)
                # finds SecretStr's length errors under the same key as str's.
                "type": wording,
                "loc": loc,
                "ctx": context,
                "field": name,
                "message": message,
                # The untranslated text, a gettext msgid for apps that translate. Never None:
                # an app's own ValueError text, or the fallback, is its own msgid.
                "message_template": message_template(wording, context) or message,
            }
        )
    described.sort(key=lambda e: order.get(e["loc"][0], len(order)) if e["loc"] else -1)
    return described


def _is_list(model: type[BaseModel], name: str) -> bool:
    path = parse_name(name)
    found = resolve(model, tuple(s for s in path if isinstance(s, str | int))) if path else None
    return found is not None and found.shape.kind == "list"


def _field_name(
    model: type[BaseModel], loc: tuple[Any, ...], indexes: Mapping[tuple[Any, ...], list[int]]
) -> str:
    """The form name of pydantic's location: `("items", 1, "qty")` → `items[1].qty` (or the
    index the browser sent, when its list had gaps); an error about an item of a list of
    plain values belongs to the list's name."""
    parts: list[str] = []
    walked: list[Any] = []
    current: Field | None = None
    for segment in loc:
        if isinstance(segment, int):
            if current is None or current.shape.kind != "list":
                break
            item = current.shape.item
            if item is None or item.kind not in ("model", "list"):
                break
            sent = indexes.get(tuple(walked))
            parts.append(f"[{sent[segment] if sent and segment < len(sent) else segment}]")
        elif isinstance(segment, str):
            found = resolve(model, (*(s for s in walked if isinstance(s, str | int)), segment))
            if found is None:
                break
            current = found
            parts.append(f".{segment}" if parts else segment)
        else:
            break
        walked.append(segment)
    return "".join(parts) or FORM_LEVEL


async def read_form(event: Any, model: type[Model], *, max_index: int, max_depth: int) -> Model:
    """`event.form(model)`: read the form if nobody has yet, validate it, raise InvalidForm
    with worded messages when it does not validate."""
    form_data = event.request.parsed_form or await event.request.form()
    outcome = validate_read_form(event, model, form_data, max_index=max_index, max_depth=max_depth)
    if not isinstance(outcome, tuple):
        return outcome
    state, described, context = outcome
    raise InvalidForm(await word_errors(state, described, context.message_hook, event))


def validate_read_form(
    event: FormsEvent, model: type[Model], form_data: FormData, *, max_index: int, max_depth: int
) -> Model | tuple[dict[str, Any], list[dict[str, Any]], FormContext]:
    """The part of `read_form` that needs no `await`: the instance, or what wording the
    errors needs. A plain `def` action calls it in its worker thread, without a round trip
    to the event loop for a valid form."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(
            f"event.form() takes a pydantic model class, got {model!r} — "
            "e.g. class Login(BaseModel): email: str; then: await event.form(Login)"
        )
    context = event.form_context
    try:
        instance, state, described = validate_form(
            model, form_data, context=context, max_index=max_index, max_depth=max_depth
        )
    except FormShapeError as exc:
        # The client's mistake, and the message says nothing about the app: show it.
        raise HttpError(400, {"message": str(exc), "status": 400}) from None
    if instance is not None:
        return instance
    assert state is not None  # validate_form returns either the instance or the state
    return state, described, context
