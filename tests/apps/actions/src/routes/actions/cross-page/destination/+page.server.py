import time

from kite import error, fail, redirect


def load(event):
    if "throw-in-load" in event.url.query_params:
        raise RuntimeError("destination load must not run")
    return {"loaded_at": time.time(), "search": ("?" + event.url.query) if event.url.query else ""}


async def success(event):
    form = await event.request.form()
    return {"source": "destination", "username": form.get("username")}


async def failure(event):
    form = await event.request.form()
    return fail(400, {"problem": "invalid", "username": form.get("username")})


def redirect_action(event):
    redirect(303, "/actions/cross-page/redirected")


def error_action(event):
    error(500, "cross-page action error")


actions = {"success": success, "failure": failure, "redirect": redirect_action, "error": error_action}
