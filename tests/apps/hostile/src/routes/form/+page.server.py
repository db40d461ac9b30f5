from starlette.datastructures import UploadFile

from kite import fail, redirect


def load(event):
    return {"theme": event.cookies.get("theme") or "plain"}


async def login(event):
    form = await event.request.form()
    name = form.get("name")
    if not isinstance(name, str) or not name:
        return fail(400, {"missing": True})
    if "redirectTo" in event.url.query_params:
        redirect(303, event.url.query_params["redirectTo"])
    return {"name": name[:100], "fields": len(form)}


async def upload(event):
    form = await event.request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile):
        return fail(400, {"nofile": True})
    content = await file.read()
    return {"filename": file.filename, "size": len(content)}


async def tags(event):
    form = await event.request.form()
    return {"tags": [str(tag)[:20] for tag in form.getlist("tag")][:50]}


actions = {"login": login, "upload": upload, "tags": tags}
