"""A keyboard of `?/update` keys appending to a cookie, as in SvelteKit's word game: every
key must reach the server, in order, with the cookie the key before it left."""

import asyncio

from kite import error, fail

COOKIE = "typed"


def typed(event):
    return event.cookies.get(COOKIE) or ""


def load(event):
    return {"typed": typed(event)}


async def update(event):
    form = await event.request.form()
    key = str(form.get("key", ""))
    # Slow enough that keys clicked quickly are in flight together.
    await asyncio.sleep(0.2)
    if key == "!":
        return fail(400, {"badGuess": True})
    if key == "?":
        error(418, "No such key")
    event.cookies.set(COOKIE, typed(event) + key, path="/keys", secure=False)
    return {"last": key}


async def clear(event):
    event.cookies.delete(COOKIE, path="/keys")


actions = {"update": update, "clear": clear}
