"""Forms that an update adds: a page script enhances `ul.items form` once, present and
future."""

import json

COOKIE = "items"


def items(event):
    return json.loads(event.cookies.get(COOKIE) or '["one"]')


def load(event):
    return {"items": items(event)}


async def add(event):
    form = await event.request.form()
    names = [*items(event), str(form.get("name"))]
    event.cookies.set(COOKIE, json.dumps(names), path="/later", secure=False)


async def touch(event):
    form = await event.request.form()
    return {"touched": str(form.get("name"))}


actions = {"add": add, "touch": touch}
