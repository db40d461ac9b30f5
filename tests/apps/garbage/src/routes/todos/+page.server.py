"""A plain load and actions: the worker-thread path, a failure, a redirect, an error."""

from kite import error, fail, redirect

TODOS = ["write", "test"]


def load(event):
    then = event.url.query_params.get("then")
    if then == "redirect":
        redirect(307, "/todos")
    if then == "error":
        error(410, "Gone")
    if then == "crash":
        raise ValueError("a bug")
    return {"todos": TODOS}


def add(event):
    text = event.form_data.get("text", "")
    if not text:
        return fail(400, {"missing": True})
    return {"added": text}


def leave(event):
    redirect(303, "/todos")


def broken(event):
    error(418, "Short and stout")


actions = {"add": add, "leave": leave, "broken": broken}
