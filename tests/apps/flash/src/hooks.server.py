from typing import Any

from kite import RequestEvent


async def handle(event: RequestEvent, resolve: Any) -> Any:
    if event.url.query_params.get("hook") == "before":
        event.flash("From the hook.", "hook")
    response = await resolve(event)
    if event.url.query_params.get("hook") == "after":
        # The page is rendered already: this one waits for the next page.
        event.flash("After the page.", "hook")
    return response
