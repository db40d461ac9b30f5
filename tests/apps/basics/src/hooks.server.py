from kite import redirect, sequence


def count_calls(event, resolve):
    event.locals.calls = getattr(event.locals, "calls", 0) + 1
    return resolve(event)


async def main_handle(event, resolve):
    if event.url.path == "/hooks/redirect":
        redirect(303, "/about")
    if event.url.path == "/hooks/short":
        from starlette.responses import PlainTextResponse

        return PlainTextResponse("answered by handle")
    event.locals.user = event.request.headers.get("x-user")
    response = await resolve(event)
    response.headers["x-hooked"] = "yes"
    response.headers["x-handle-calls"] = str(event.locals.calls)
    return response


handle = sequence(count_calls, main_handle)


def handle_error(error, event, status, message):
    return {"message": f"{error} ({status} {message})"}
