"""Work ahead: the plain functions of a request share one worker thread.

A plain `def` runs in a worker thread (kite.server.calling), and each trip there and back
costs more than a small load or action does. So once a request is in a worker thread, the
plain work that follows starts there too, instead of the loop handing it off again:

- a plain `handle` calling `resolve(event)` runs the action there (its body was read
  before `handle`, if it is a small form: kite.server.actions.read_ahead), and starts the
  page's loads;
- a plain action answered by the page again (a native form, without post/redirect/get)
  starts that page's loads;
- a plain `handle` calling `resolve(event)` for an endpoint calls its plain handler there.

The loads are queued from the worker thread, as the loop would queue them: the thread takes
them as soon as it is done, and a load that blocks still gets a thread of its own (the
loads run at once, as on the loop). What was done ahead waits in `RequestContext.ahead`
for the step it stands for: `run_action`, `render_page` and `call_endpoint` take it from
there. See docs/architecture.md, "Plain functions".
"""

from __future__ import annotations

import kite.server.prg as prg
from kite.server.actions import act_ahead
from kite.server.context import RequestContext
from kite.server.endpoint import call_ahead
from kite.server.load import start_loads
from kite.server.outcome import Outcome
from kite.server.prerendering import prerender_run

__all__ = ["loads_after_action", "work_ahead"]


def work_ahead(ctx: RequestContext) -> None:
    """In a plain `handle`'s worker thread, as it calls `resolve(event)`: run what of the
    request's work can run here."""
    kind = ctx.kind.kind
    if kind == "page":
        route = ctx.route
        # A `prerender = True` page served after a build is a 404 (kite.server.page).
        if route is not None and not (ctx.site.prerendered.built and route.options.prerender):
            _start_page_loads(ctx)
    elif kind in ("native_action", "enhanced_action"):
        act_ahead(ctx, loads_after_action)
    elif kind == "endpoint" and ctx.route is not None and ctx.route.endpoint is not None:
        call_ahead(ctx, ctx.route.endpoint)


def loads_after_action(ctx: RequestContext, outcome: Outcome) -> None:
    """In a plain action's worker thread: a native submission answered with its page again
    starts the page's loads (kite.server.answer renders it for a success or a failure)."""
    if ctx.kind.action_json or outcome.kind not in ("success", "failure"):
        return
    if ctx.route is not None and not prg.enabled(ctx.site, ctx.route):
        _start_page_loads(ctx)


def _start_page_loads(ctx: RequestContext) -> None:
    route = ctx.route
    if route is None or ctx.ahead.loads is not None or prerender_run(ctx.event) is not None:
        return
    if route.plain_loads:
        ctx.ahead.loads = start_loads(route.load_nodes, ctx.event)
