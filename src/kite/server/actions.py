"""Form actions: pick the action a POST names, run it, and answer with the re-rendered page
(native submissions) or an ActionResult (enhanced submissions and `fetch`)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

import kite.server.page as page
import kite.server.prg as prg
import kite.server.rerender as rerender
from kite import devalue
from kite.exceptions import ActionFailure, HttpError, Redirect, RequestError
from kite.forms.state import InvalidForm
from kite.sansio import action_result
from kite.sansio.action_hints import unknown_action_hint
from kite.sansio.negotiation import media_type, negotiate
from kite.server.calling import call_user
from kite.server.errors import PublicError, public_error
from kite.server.event import RequestEvent
from kite.server.limits import apply_body_limit, declared_limits
from kite.server.manifest import Route
from kite.server.prepared import json_response
from kite.server.ratelimit import RateLimited

if TYPE_CHECKING:
    from kite.server.app import Kite

__all__ = ["handle_action", "is_action_json", "json_error", "json_redirect"]

FORM_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "application/x-sveltekit-formdata",
)


@dataclass
class Outcome:
    """What running an action came to: success, failure, redirect or error."""

    kind: str
    status: int = 200
    data: Any = None
    exc: BaseException | None = None


def is_action_json(event: RequestEvent, route: Route) -> bool:
    """A POST to a page whose `Accept` prefers JSON: answer with an ActionResult."""
    if event.request.method != "POST" or not route.has_page:
        return False
    return _prefers_json(event.request.headers.get("accept"))


# Browsers send a handful of distinct Accept headers and an app a handful of action queries:
# these answers are remembered rather than parsed on every POST (bounded, so that a client
# sending endless variants only evicts entries).
@functools.lru_cache(maxsize=256)
def _prefers_json(accept: str | None) -> bool:
    return negotiate(accept, ["application/json", "text/html"]) == "application/json"


@functools.lru_cache(maxsize=256)
def _action_name(query: str) -> str | None:
    return action_result.action_name(query)


_result_location = functools.lru_cache(maxsize=256)(action_result.result_location)


def _location(event: RequestEvent) -> str:
    return _result_location(event.url.path, event.url.query)


async def handle_action(app: Kite, event: RequestEvent, route: Route) -> Response:
    outcome = await _run(app, event, route)
    if is_action_json(event, route):
        return await _json_response(app, event, route, outcome)
    data = None if outcome.data is devalue.UNDEFINED else outcome.data
    redirected = prg.redirect_after_post(
        app, event, route, app.prg_sealer, kind=outcome.kind, status=outcome.status, data=data
    )
    if redirected is not None:
        return redirected
    return await _html_response(app, event, route, outcome)


async def _run(app: Kite, event: RequestEvent, route: Route) -> Outcome:
    try:
        action = _select(app, event, route)
        # Per-action limits (kite.server.limits): the body limit before the body is read,
        # the rate (whose key may need the form) after it.
        apply_body_limit(event, route, action, app.settings.body_size_limit)
        await _read_body(event)
        await app.rate_limiter.check(event, route, declared_limits(action))
        returned = await call_user(action, event, in_thread=True)
    except RateLimited as exc:
        # Enhanced: a failure the page can show; native: the page's error handling.
        if is_action_json(event, route):
            return Outcome("failure", 429, exc.failure_data())
        return Outcome("error", exc=exc)
    except Redirect as exc:
        return Outcome("redirect", exc.status, exc=exc)
    except InvalidForm as exc:
        # `await event.form(Model)` that did not validate: the page shows the messages.
        return Outcome("failure", exc.status, exc.state)
    except ActionFailure:
        return Outcome("error", exc=TypeError('Cannot "raise fail()". Use "return fail()"'))
    except Exception as exc:
        return Outcome("error", exc=exc)
    return _classify(route, returned)


def _select(app: Kite, event: RequestEvent, route: Route) -> Any:
    actions = route.page_server.actions if route.page_server is not None else None
    if actions is None:
        raise _method_not_allowed(route, app.dev)
    requested = _action_name(event.url.query)
    if requested == "default":
        raise RequestError(400, 'Cannot use reserved action name "default"')
    name = "default" if requested is None else requested
    action = actions.get(name)
    if action is None:
        raise RequestError(
            404, f"No action with name '{name}' found", hint=_dev_hint(app, route, requested)
        )
    content_type = event.request.headers.get("content-type")
    if media_type(content_type) not in FORM_TYPES:
        raise RequestError(
            415, f"Form actions expect form-encoded data — received {content_type or 'null'}"
        )
    return action


async def _read_body(event: RequestEvent) -> None:
    """Parse the form before the action runs, so that a body over the limit or a malformed
    one is answered 413/400 and never half-read by the action."""
    if media_type(event.request.headers.get("content-type")) == "text/plain":
        await event.request.body()
    else:
        await event.request.form()


def _dev_hint(app: Kite, route: Route, requested: str | None) -> str | None:
    if not app.dev or route.page_server is None:
        return None
    file = route.page_server.path.relative_to(app.app_dir).as_posix()
    return unknown_action_hint(requested, list(route.page_server.actions or ()), file)


def _method_not_allowed(route: Route, dev: bool) -> RequestError:
    detail = "POST method not allowed. No form actions exist for this page"
    if dev:
        detail += f" at {route.id}"
    return RequestError(405, detail, headers={"allow": "GET"})


def _classify(route: Route, returned: Any) -> Outcome:
    if isinstance(returned, ActionFailure):
        return Outcome("failure", returned.status, returned.data)
    if isinstance(returned, Redirect):
        message = "Cannot `return redirect(...)` — use `redirect(...)` instead (it raises)"
        return Outcome("error", exc=TypeError(message))
    if isinstance(returned, HttpError):
        message = "Cannot `return error(...)` — use `error(...)` or `return fail(...)` instead"
        return Outcome("error", exc=TypeError(message))
    if isinstance(returned, Response):
        return Outcome("error", exc=TypeError(_not_serializable(route) + _RESPONSE_HINT))
    return Outcome("success", 200, returned)


_RESPONSE_HINT = (
    ". Form actions need to return plain objects or fail(). "
    'E.g. return {"success": True} or return fail(400, {"message": "invalid"})'
)


def _not_serializable(route: Route) -> str:
    return f"Data returned from action inside {route.id} is not serializable"


def _is_falsy(value: Any) -> bool:
    """JavaScript's idea of falsy, which decides a success 'without data'."""
    if value is None or value is devalue.UNDEFINED or value is False:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0 or (isinstance(value, float) and math.isnan(value))
    return isinstance(value, str) and value == ""


async def _json_response(
    app: Kite, event: RequestEvent, route: Route, outcome: Outcome
) -> Response:
    location = _location(event)
    if outcome.kind == "redirect":
        assert isinstance(outcome.exc, Redirect)
        return json_redirect(app, outcome.exc)
    if outcome.kind == "error":
        assert outcome.exc is not None
        error = await public_error(app, outcome.exc, event)
        return json_error(app, event, error, await _error_document(app, event, route, error))
    if outcome.kind == "success" and _is_falsy(outcome.data):
        extra = await _document(app, event, route, None, None, status=204, reload=True)
        return _json(app, action_result.success_result(location, None, extra), 200)
    data = devalue.UNDEFINED if outcome.data is None else outcome.data
    try:
        serialized = devalue.stringify(data, reducers=app.reducers)
    except devalue.DevalueError as exc:
        failure = TypeError(_serialization_message(route, exc))
        return json_error(app, event, await public_error(app, failure, event))
    form = None if data is devalue.UNDEFINED else data
    if outcome.kind == "success":
        extra = await _document(app, event, route, form, serialized, status=200, reload=True)
        return _json(app, action_result.success_result(location, serialized, extra), 200)
    extra = await _document(
        app, event, route, form, serialized, status=outcome.status, reload=False
    )
    body = action_result.failure_result(outcome.status, location, serialized, extra)
    return _json(app, body, outcome.status)


async def _document(
    app: Kite,
    event: RequestEvent,
    route: Route,
    form: Any,
    form_text: str | None,
    *,
    status: int,
    reload: bool,
) -> dict[str, Any] | None:
    """Kite's runtime asks (x-kite-render) for the page in the same response. `form_text`
    is `form` as the ActionResult carries it: the page's state reuses it."""
    if rerender.RENDER_HEADER not in event.request.headers:
        return None
    document = await rerender.document_for_result(
        app, event, route, form=form, status=status, reload=reload, form_text=form_text
    )
    return None if document is None else {"kite": {"document": document}}


async def _error_document(
    app: Kite, event: RequestEvent, route: Route, error: PublicError
) -> dict[str, Any] | None:
    """The error page in the same response, when Kite's runtime asks for the page."""
    if rerender.RENDER_HEADER not in event.request.headers:
        return None
    document = await rerender.error_document_for_result(app, event, route, error)
    return None if document is None else {"kite": {"document": document}}


def _serialization_message(route: Route, exc: devalue.DevalueError) -> str:
    path = getattr(exc, "path", "")
    where = f" (data{path})" if path else ""
    return f"{_not_serializable(route)}: {exc}{where}"


async def _html_response(
    app: Kite, event: RequestEvent, route: Route, outcome: Outcome
) -> Response:
    if outcome.kind == "redirect":
        assert isinstance(outcome.exc, Redirect)
        from kite.server.respond import redirect_response

        return redirect_response(outcome.exc)
    if outcome.kind == "error":
        assert outcome.exc is not None
        return await page.render_error(app, event, route, outcome.exc, failed_at=len(route.folders))
    form = None if outcome.data is devalue.UNDEFINED else outcome.data
    return await page.render_page(app, event, route, form=form, status=outcome.status)


def _json(app: Kite, body: bytes, status: int, headers: dict[str, str] | None = None) -> Response:
    # SvelteKit's client compares x-sveltekit-version with its own to notice a new deployment.
    if not headers:
        return json_response(body, status, app.version)
    headers = {**headers, "x-sveltekit-version": app.version}
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def json_redirect(app: Kite, exc: Redirect) -> Response:
    return _json(app, action_result.redirect_result(exc.status, exc.location), 200)


def json_error(
    app: Kite, event: RequestEvent, error: PublicError, extra: dict[str, Any] | None = None
) -> Response:
    body = action_result.error_result(_location(event), error.body, extra)
    return _json(app, body, error.status, error.headers)
