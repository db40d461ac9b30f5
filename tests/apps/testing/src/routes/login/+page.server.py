from kite import fail, redirect


def load(event):
    return {"user": event.cookies.get("user")}


async def login(event):
    form = await event.request.form()
    name = form.get("name", "")
    if not name:
        return fail(400, {"missing": True})
    event.cookies.set("user", name)
    if "redirectTo" in event.url.query_params:
        redirect(303, event.url.query_params["redirectTo"])
    return {"welcome": name}


async def logout(event):
    event.cookies.delete("user")
    redirect(303, "/")


actions = {"login": login, "logout": logout}
