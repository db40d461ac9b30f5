from kite import RequestEvent


def load(event: RequestEvent) -> dict[str, object]:
    return {"title": "Counter"}


async def _add(event: RequestEvent) -> dict[str, int]:
    form = await event.request.form()
    return {"count": int(str(form.get("count") or 0)) + 1}


actions = {"add": _add}
