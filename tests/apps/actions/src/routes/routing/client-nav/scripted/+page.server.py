async def echo(event):
    form = await event.request.form()
    return {"message": form.get("message")}


actions = {"echo": echo}
