"""Form actions: pick the action a POST names, run it, and say what it came to — an
`Outcome`. Answering it (the page again, or an ActionResult) is kite.server.answer's."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from kite.exceptions import ActionFailure, HttpError, Redirect, RequestError
from kite.forms.state import InvalidForm
from kite.sansio import action_result
from kite.sansio.action_hints import unknown_action_hint
from kite.sansio.csrf import FORM_CONTENT_TYPES
from kite.server.calling import awaited_on_loop, call_user, is_async, worker_threads
from kite.server.context import RequestContext
from kite.server.limits import apply_body_limit, declared_limits
from kite.server.manifest import Route
from kite.server.outcome import Outcome, OutcomeKind
from kite.server.ratelimit import RateLimited
from kite.server.tracebacks import forget_traceback

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = [
    "READ_AHEAD_BYTES",
    "After",
    "Outcome",
    "OutcomeKind",
    "act",
    "act_ahead",
    "limit_body",
    "not_serializable",
    "read_ahead",
    "run_action",
]


@functools.lru_cache(maxsize=256)
def _action_name(query: str) -> str | None:
    return action_result.action_name(query)


# What to start next in the worker thread a plain action ran in, given its outcome (the
# page's loads: kite.server.ahead).
After = Callable[[RequestContext, Outcome], None]

# A form up to this size is read before a plain `handle` runs (see `read_ahead`).
READ_AHEAD_BYTES = 64 * 1024

_ACTION_KINDS = ("native_action", "enhanced_action")


async def run_action(ctx: RequestContext, after: After | None = None) -> Outcome:
    """Select the action the request names, put its limits in force, read the body, run it.
    A plain action runs in a worker thread, and `after` with it."""
    done = ctx.ahead.take_outcome()  # run already, in a plain handle's worker thread
    if done is not None:
        return done
    site, event, route = ctx.site, ctx.event, ctx.page_route
    try:
        action = _select(ctx, route)
        # Per-action limits (kite.server.limits): the body limit before the body is read,
        # the rate (whose key may need the form) after it.
        limit_body(ctx, route, action)
        await _read_body(ctx)
        await site.rate_limiter.check(event, route, declared_limits(action))
        if not is_async(action):
            outcome: Outcome = await worker_threads().run(act, ctx, action, after)
            return outcome
        returned = await call_user(action, event)
    except Exception as exc:
        return _failed(ctx, exc)
    return _classify(route, returned)


def act(ctx: RequestContext, action: Any, after: After | None = None) -> Outcome:
    """Run the plain `action` here, in a worker thread, then `after` with its outcome."""
    try:
        outcome = _classify(ctx.page_route, awaited_on_loop(action(ctx.event)))
    except Exception as exc:
        outcome = _failed(ctx, exc)
    if after is not None:
        after(ctx, outcome)
    return outcome


async def read_ahead(ctx: RequestContext) -> None:
    """Before a plain `handle`: read the body of a small form for a plain action now, so
    that `handle`'s worker thread can run the action too (kite.server.ahead). A body that
    cannot be read keeps its error for the action's turn, which answers it as always."""
    route, request = ctx.route, ctx.event.request
    length = request.headers.get("content-length", "")
    if ctx.kind.kind not in _ACTION_KINDS or route is None or not length.isdigit():
        return
    if int(length) > READ_AHEAD_BYTES:
        return
    try:
        action = _select(ctx, route)
    except RequestError:
        return  # answered in the action's turn, after `handle`
    if is_async(action):
        return
    limit_body(ctx, route, action)
    try:
        await _read_body(ctx)
    except Exception as exc:
        ctx.ahead.read_error = exc
        return
    ctx.ahead.action = action


def act_ahead(ctx: RequestContext, after: After | None = None) -> None:
    """In a plain `handle`'s worker thread, as it calls `resolve(event)`: run the action
    now if all it needs is here (its body read ahead, no rate limit to count on the loop);
    `run_action` then finds the outcome."""
    action = ctx.ahead.action
    if action is None:  # no plain action, or its body is not read yet
        return
    limits = declared_limits(action)
    if limits is not None and limits.rate is not None:
        return
    ctx.ahead.outcome = act(ctx, action, after)


def limit_body(ctx: RequestContext, route: Route, action: Any) -> None:
    """Put `action`'s body limit in force (its own, else its page's, else the app's) before
    anything reads the body."""
    page_limit = route.page_server.body_size_limit if route.page_server else None
    apply_body_limit(ctx.event, action, page_limit, ctx.site.settings.body_size_limit)


def _failed(ctx: RequestContext, exc: Exception) -> Outcome:
    """What an action that raised `exc` (or whose limits or body did) came to."""
    forget_traceback(exc)
    if isinstance(exc, RateLimited):
        # Enhanced: a failure the page can show; native: the page's error handling.
        if ctx.kind.action_json:
            return Outcome("failure", 429, exc.failure_data())
        return Outcome("error", exc=exc)
    if isinstance(exc, Redirect):
        return Outcome("redirect", exc.status, exc=exc)
    if isinstance(exc, InvalidForm):
        # `await event.form(Model)` that did not validate: the page shows the messages.
        return Outcome("failure", exc.status, exc.state)
    if isinstance(exc, ActionFailure):
        return Outcome("error", exc=TypeError('Cannot "raise fail()". Use "return fail()"'))
    return Outcome("error", exc=exc)


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


async def _read_body(ctx: RequestContext) -> None:
    """Parse the form before the action runs, so that a body over the limit or a malformed
    one is answered 413/400 and never half-read by the action."""
    if ctx.ahead.read_error is not None:  # read before `handle`, and it failed
        raise ctx.ahead.read_error
    request = ctx.event.request
    if ctx.kind.media_type == "text/plain":
        await request.body()
    else:
        await request.form()


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
