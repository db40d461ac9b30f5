async def default(event):
    form = await event.request.form()
    return {"fields": len(form)}


actions = {"default": default}
