from kite import error, json


async def GET(event):
    return json({"q": event.url.query_params.get("q", "")[:100]})


async def POST(event):
    body = await event.request.json()
    if not isinstance(body, dict):
        error(400, "expected a JSON object")
    return json({"keys": len(body)}, status=201)
