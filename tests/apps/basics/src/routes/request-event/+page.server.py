from lib.where import current_path


async def load(event):
    event.set_headers({"x-page": "request-event", "cache-control": "no-store"})
    try:
        event.set_headers({"X-Page": "twice"})
    except ValueError as exc:
        twice = str(exc)
    try:
        event.set_headers({"set-cookie": "a=b"})
    except ValueError as exc:
        cookie = str(exc)
    parent = await event.parent()
    return {
        "async_path": current_path(),
        "route": event.route.id,
        "twice": twice,
        "cookie": cookie,
        "parent_path": parent["sync_path"],
    }
