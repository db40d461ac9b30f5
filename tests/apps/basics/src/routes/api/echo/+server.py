from kite import error, json, text


async def GET(event):
    return json({"method": "GET", "q": event.url.query_params.get("q")})


async def POST(event):
    body = await event.request.json()
    return json({"received": body}, status=201)


def DELETE(event):
    return text("deleted")


async def PUT(event):
    error(409, "conflict here")
