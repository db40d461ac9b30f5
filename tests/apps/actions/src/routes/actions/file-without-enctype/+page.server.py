async def default(event):
    form = await event.request.form()
    return {"got": str(form.get("file"))}


actions = {"default": default}
