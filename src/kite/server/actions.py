"""Form actions: pick the action a POST names, run it, and say what it came to — an
`Outcome`. Answering it (the page again, or an ActionResult) is kite.server.answer's."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from starlette.responses import Response

from kite.exceptions import ActionFailure, HttpError, Redirect, RequestError
from kite.forms.state import InvalidForm
from kite.sansio import action_result
from kite.sansio.action_hints import unknown_action_hint
from kite.sansio.csrf import FORM_CONTENT_TYPES
from kite.server.calling import call_user
from kite.server.context import RequestContext
from kite.server.event import RequestEvent
from kite.server.limits import apply_body_limit, declared_limits
from kite.server.manifest import Route
from kite.server.ratelimit import RateLimited

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["Outcome", "OutcomeKind", "not_serializable", "run_action"]


OutcomeKind = Literal["success", "failure", "redirect", "error"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running an action came to.

    - success: the action returned `data` (status 200);
    - failure: it returned `fail(status, data)`, or its typed form did not validate, or a
      rate limit refused an enhanced submission (429);
    - redirect: it raised `redirect(...)`, which is `exc`;
    - error: it raised (or returned what an action may not), which is `exc`.
    """

    kind: OutcomeKind
    status: int = 200
    data: Any = None
    exc: BaseException | None = None


@functools.lru_cache(maxsize=256)
def _action_name(query: str) -> str | None:
    return action_result.action_name(query)


async def run_action(ctx: RequestContext) -> Outcome:
    """Select the action the request names, put its limits in force, read the body, run it."""
    site, event, route, kind = ctx.site, ctx.event, ctx.page_route, ctx.kind
    try:
        action = _select(ctx, route)
        # Per-action limits (kite.server.limits): the body limit before the body is read,
        # the rate (whose key may need the form) after it.
        page_limit = route.page_server.body_size_limit if route.page_server else None
        apply_body_limit(event, action, page_limit, site.settings.body_size_limit)
        await _read_body(event, kind.media_type)
        await site.rate_limiter.check(event, route, declared_limits(action))
        returned = await call_user(action, event, in_thread=True)
    except RateLimited as exc:
        # Enhanced: a failure the page can show; native: the page's error handling.
        if kind.action_json:
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


def _select(ctx: RequestContext, route: Route) -> Any:
    """The action the request's query names, if the page has it and the body is a form's."""
    app, event = ctx.site, ctx.event
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
    # What an HTML form (or SvelteKit's client) sends: the same types the CSRF check guards.
    if ctx.kind.media_type not in FORM_CONTENT_TYPES:
        content_type = event.request.headers.get("content-type")
        raise RequestError(
            415, f"Form actions expect form-encoded data — received {content_type or 'null'}"
        )
    return action


async def _read_body(event: RequestEvent, body_type: str | None) -> None:
    """Parse the form before the action runs, so that a body over the limit or a malformed
    one is answered 413/400 and never half-read by the action."""
    if body_type == "text/plain":
        await event.request.body()
    else:
        await event.request.form()


def _dev_hint(app: Site, route: Route, requested: str | None) -> str | None:
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
        return Outcome("error", exc=TypeError(not_serializable(route) + _RESPONSE_HINT))
    return Outcome("success", 200, returned)


_RESPONSE_HINT = (
    ". Form actions need to return plain objects or fail(). "
    'E.g. return {"success": True} or return fail(400, {"message": "invalid"})'
)


def not_serializable(route: Route) -> str:
    return f"Data returned from action inside {route.id} is not serializable"
