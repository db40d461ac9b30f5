from typing import Any

from kite import RequestEvent, fail, redirect


def load(event: RequestEvent) -> dict[str, Any]:
    if event.url.query_params.get("greet"):
        event.flash("Hello from the load.")
    return {}


def save(event: RequestEvent) -> dict[str, Any]:
    event.flash("Saved.", "success")
    return {"saved": True}


def go(event: RequestEvent) -> None:
    event.flash("Went to the next page.")
    redirect(303, "/next")


def refuse(event: RequestEvent) -> Any:
    event.flash("Not saved.", "error")
    return fail(400, {"refused": True})


actions = {"save": save, "go": go, "refuse": refuse}
