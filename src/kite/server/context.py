"""The request context: one request as the pipeline knows it once it has matched a route and
classified the request — the site it reached, the event user code sees, the route and what
the request is. Made once in kite.server.respond and handed down the request path (pages,
actions, answers, documents) as one value instead of four arguments."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kite.sansio import action_result
from kite.sansio.classify import Classified
from kite.server.event import URL, RequestEvent
from kite.server.load import StartedLoads
from kite.server.manifest import Route
from kite.server.outcome import Outcome

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["Ahead", "RequestContext", "Returned"]


@dataclass(slots=True)
class Returned:
    """What a plain function called ahead returned, or raised, for its caller's turn."""

    value: Any = None
    error: Exception | None = None

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


@dataclass(slots=True)
class Ahead:
    """What a worker thread did ahead for this request (kite.server.ahead), for the step it
    stands for to take, once: the plain action whose body was read before a plain `handle`
    (or why the body could not be read), the action's outcome, the page's loads started,
    what an endpoint's handler returned."""

    action: Any = None
    read_error: Exception | None = None
    outcome: Outcome | None = None
    loads: StartedLoads | None = None
    handled: Returned | None = None

    def take_outcome(self) -> Outcome | None:
        outcome, self.outcome = self.outcome, None
        return outcome

    def take_loads(self) -> StartedLoads | None:
        loads, self.loads = self.loads, None
        return loads

    def take_handled(self) -> Returned | None:
        handled, self.handled = self.handled, None
        return handled


@dataclass(frozen=True, slots=True)
class RequestContext:
    site: Site
    event: RequestEvent
    kind: Classified
    # None only when no route matched (kind "not_found"): then only the error path runs.
    route: Route | None = None
    # Shared by the copies `replace` makes (the event `handle` passes on, `for_page`).
    ahead: Ahead = dataclasses.field(default_factory=Ahead)

    @property
    def page_route(self) -> Route:
        """The matched route, for the handlers that run only when one matched: pages,
        actions, render and validation requests, endpoints."""
        if self.route is None:
            raise LookupError(f"{self.kind.kind} request to {self.event.url.path}: no route")
        return self.route

    def for_page(self) -> RequestContext:
        """This action's request as its page sees it: the URL is the result's location,
        without the action key (what the browser's refresh or render request asks for)."""
        url = self.event.url
        location = action_result.result_location(url.path, url.query)
        event = self.event.with_url(URL(f"{url.scheme}://{url.netloc}{location}"))
        return dataclasses.replace(self, event=event)
