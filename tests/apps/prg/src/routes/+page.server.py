from typing import Any

from kite import RequestEvent, fail, redirect

# Every run of an action, to show that a reload does not run it again.
RUNS: list[str] = []


def load(event: RequestEvent) -> dict[str, Any]:
    return {"runs": len(RUNS)}


async def add(event: RequestEvent) -> dict[str, Any]:
    form = await event.request.form()
    RUNS.append("add")
    event.flash("Added.")
    return {"count": int(str(form.get("count") or 0)) + 1}


def refuse(event: RequestEvent) -> Any:
    RUNS.append("refuse")
    return fail(422, {"message": "Not today.", "password": "hunter2"})


def big(event: RequestEvent) -> dict[str, Any]:
    return {"text": "x" * 6000}


def away(event: RequestEvent) -> None:
    redirect(303, "/plain")


actions = {"add": add, "refuse": refuse, "big": big, "away": away}
