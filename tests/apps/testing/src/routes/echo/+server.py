"""What the request carried, as JSON: the headers the test client sends by default."""

from kite import json


async def GET(event):
    return json(await _echo(event))


async def POST(event):
    return json(await _echo(event))


async def _echo(event):
    headers = event.request.headers
    body = await event.request.body()
    return {
        "method": event.request.method,
        "url": str(event.url),
        "accept": headers.get("accept"),
        "origin": headers.get("origin"),
        "content_type": headers.get("content-type"),
        "cookie": headers.get("cookie"),
        "sveltekit_action": headers.get("x-sveltekit-action"),
        "body": body.decode("utf-8", errors="replace"),
    }
