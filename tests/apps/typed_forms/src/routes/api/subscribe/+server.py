# event.form() outside an action: an invalid form is a 400 error listing the messages.
from kite import json

from lib.models import Subscribe


async def POST(event):
    form = await event.form(Subscribe)
    return json({"subscribed": form.email})
