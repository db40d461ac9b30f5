from kite import redirect
from lib.foo import Foo

ERRORS = {}


async def handle(event, resolve):
    try:
        if event.url.path == "/actions/redirect-in-handle" and event.request.method == "POST":
            redirect(303, "/actions/enhance")
        response = await resolve(event)
    finally:
        event.cookies.set("name", "Kite", path="/", secure=False)
    return response


def handle_error(error, event, status, message):
    ERRORS[event.url.path] = repr(error)
    return {"message": f"{error} ({status} {message})"}


transport = {
    "Foo": {
        "encode": lambda value: isinstance(value, Foo) and [value.message],
        "decode": lambda value: Foo(value[0]),
    }
}
