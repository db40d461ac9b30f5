async def send(event):
    form = await event.request.form()
    return {"text": form.get("text")}


actions = {"send": send}
