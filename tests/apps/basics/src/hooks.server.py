from kite import redirect


async def handle(event, resolve):
    if event.url.path == "/hooks/redirect":
        redirect(303, "/about")
    if event.url.path == "/hooks/short":
        from starlette.responses import PlainTextResponse

        return PlainTextResponse("answered by handle")
    event.locals.user = event.request.headers.get("x-user")
    response = await resolve(event)
    response.headers["x-hooked"] = "yes"
    return response


def handle_error(error, event, status, message):
    return {"message": f"{error} ({status} {message})"}
