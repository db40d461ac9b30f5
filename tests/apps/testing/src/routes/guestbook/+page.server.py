async def default(event):
    form = await event.request.form()
    return {"message": form.get("message"), "tags": form.getlist("tag")}


actions = {"default": default}
