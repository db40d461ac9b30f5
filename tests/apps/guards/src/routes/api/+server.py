from kite import json


async def POST(event):
    return json({"received": await event.request.json()})
