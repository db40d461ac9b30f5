def load(event):
    return {"initial": "initial"}


async def default(event):
    form = await event.request.form()
    return {"result": form.get("username")}


actions = {"default": default}
