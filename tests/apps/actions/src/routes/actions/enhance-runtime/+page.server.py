import asyncio
import random

from kite import fail


def load(event):
    return {"loaded_at": random.random()}


async def slow(event):
    await asyncio.sleep(0.5)


async def echo(event):
    form = await event.request.form()
    return {"message": form.get("message"), "extra": form.get("extra")}


def failing(event):
    return fail(400, {"failed": True})


def nothing(event):
    return None


actions = {"slow": slow, "echo": echo, "fail": failing, "nothing": nothing}
