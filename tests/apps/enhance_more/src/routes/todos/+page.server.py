"""SvelteKit's tutorial todo app, with a delay on each action taken from the form (so that
tests can make submissions overlap in a chosen order). The list lives in the server, one per
browser (a `sid` cookie), as in a database: submissions in flight together all count."""

import asyncio
import json
import secrets

from kite import fail

START = ["X", "Y", "Z"]
LISTS: dict[str, list[str]] = {}


def sid(event):
    value = event.cookies.get("sid")
    if value is None:
        value = secrets.token_hex(8)
        event.cookies.set("sid", value, path="/todos", secure=False)
    return value


def todos(event):
    return LISTS.setdefault(sid(event), list(START))


def save(event, items):
    LISTS[sid(event)] = items


def load(event):
    return {"todos": todos(event), "done": json.loads(event.cookies.get("done") or "[]")}


async def delay(form):
    await asyncio.sleep(float(form.get("delay") or 0))


async def create(event):
    form = await event.request.form()
    await delay(form)
    title = str(form.get("title", ""))
    items = todos(event)
    if title in items:
        return fail(422, {"title": title, "error": "You already have that todo"})
    save(event, [*items, title])


async def delete(event):
    form = await event.request.form()
    await delay(form)
    title = str(form.get("title", ""))
    save(event, [item for item in todos(event) if item != title])


async def toggle(event):
    form = await event.request.form()
    title = str(form.get("title", ""))
    done = set(json.loads(event.cookies.get("done") or "[]")) ^ {title}
    event.cookies.set("done", json.dumps(sorted(done)), path="/todos", secure=False)


actions = {"create": create, "delete": delete, "toggle": toggle}
