"""Live validation: the runtime asks whether a form is valid without submitting it.

An enhanced form with `data-validate` POSTs its fields to the action's URL with the header
`x-kite-validate: 1`. Kite then runs neither the action nor any load: it reads the body
under the action's body limit (after the CSRF check every POST passes), counts the request
against the action's `@limits(rate=...)`, validates with what the page declares for the
action, and answers `{"errors": {field: message}}` — the messages a submission of these
values would show (docs/typed-forms.md, docs/runtime-design.md).

What validates an action's form, in this order:

- `validators = {"register": [Registration, email_is_free]}` in the page's
  `+page.server.py`: a model class (its messages, as `event.form(Model)` words them), a
  function `(event) -> {field: message} | None` (a business rule; it may also call
  `await event.form(Model)`), or a list of them, whose messages are merged (the first per
  field wins);
- the typed form the submission names (its hidden `__form_id` input, `forms = {...}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from kite.exceptions import ActionFailure, RequestError
from kite.forms.state import FORM_ID_FIELD, InvalidForm
from kite.sansio.action_result import action_name
from kite.server.actions import limit_body
from kite.server.calling import call_user
from kite.server.context import RequestContext
from kite.server.event import RequestEvent
from kite.server.limits import declared_limits
from kite.server.manifest import Route
from kite.server.ratelimit import RateLimited

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["handle_validate"]

# Files are never sent to be validated (the runtime leaves them out), and text/plain
# carries no fields: only the two encodings a form's fields arrive in.
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def handle_validate(ctx: RequestContext) -> Response:
    """Answer a validation request: 200 `{"errors": {...}}` (empty when valid), 429 when
    over the action's rate. Other refusals (404, 413, 415) are raised as the request's
    errors."""
    site, event, route = ctx.site, ctx.event, ctx.page_route
    name, action = _action(event, route, ctx.kind.media_type)
    limit_body(ctx, route, action)
    await event.request.form()
    try:
        await site.rate_limiter.check(event, route, declared_limits(action))
    except RateLimited as exc:
        body = {"errors": {}, "message": exc.failure_data()["message"]}
        return JSONResponse(body, status_code=429, headers=exc.headers)
    errors = await _validate(site, event, route, name)
    # Private: the answer depends on what this client typed (and maybe on who is signed in).
    return JSONResponse({"errors": errors}, headers={"cache-control": "no-store"})


def _action(event: RequestEvent, route: Route, body_type: str | None) -> tuple[str, Any]:
    actions = route.page_server.actions if route.page_server is not None else None
    if actions is None:
        raise RequestError(405, f"Cannot validate: {route.id} has no form actions")
    name = action_name(event.url.query) or "default"
    action = actions.get(name)
    if action is None:
        raise RequestError(404, f"Cannot validate: no action with name '{name}' in {route.id}")
    if body_type not in _FORM_TYPES:
        content_type = event.request.headers.get("content-type")
        raise RequestError(
            415, f"Validation expects form-encoded data — received {content_type or 'null'}"
        )
    return name, action


async def _validate(app: Site, event: RequestEvent, route: Route, name: str) -> dict[str, str]:
    assert route.page_server is not None  # _action found an action
    validator = route.page_server.validators.get(name) or _typed_form(event)
    if validator is None:
        file = route.page_server.path.relative_to(app.app_dir).as_posix()
        raise RequestError(
            404,
            f"Cannot validate action '{name}' of {route.id}: nothing validates its form",
            hint=f"The form names no typed form (forms.<id>.hidden_id()) and {file} declares "
            f'no validator for it: add validators = {{"{name}": Model}} (or a function of '
            "the event returning the messages), see docs/typed-forms.md",
        )
    validators = validator if isinstance(validator, list) else [validator]
    errors: dict[str, str] = {}
    for one in validators:
        for field, message in (await _run(one, event, route, name)).items():
            errors.setdefault(field, message)  # the first message per field, as submitting
    return errors


async def _run(validator: Any, event: RequestEvent, route: Route, name: str) -> dict[str, str]:
    try:
        if isinstance(validator, type) and issubclass(validator, BaseModel):
            await event.form(validator)
            return {}
        returned = await call_user(validator, event, in_thread=True)
    except InvalidForm as exc:
        return dict(exc.errors)
    return _messages(returned, route, name)


def _typed_form(event: RequestEvent) -> type[BaseModel] | None:
    form_data = event.request.parsed_form
    form_id = form_data.get(FORM_ID_FIELD) if form_data is not None else None
    models = event.form_context.models
    return models.get(form_id) if isinstance(form_id, str) else None


def _messages(returned: Any, route: Route, name: str) -> dict[str, str]:
    if isinstance(returned, ActionFailure) and isinstance(returned.data, Mapping):
        returned = returned.data.get("errors")  # return fail_form(form, {...})
    if returned is None:
        return {}
    if isinstance(returned, Mapping) and all(isinstance(key, str) for key in returned):
        return {key: str(message) for key, message in returned.items() if message}
    raise TypeError(
        f"The validator of action '{name}' of {route.id} returned {returned!r}: return a dict "
        'from field name to message ({"email": "That email is taken."}), or None when valid'
    )
