# No typed form and no validator: nothing on the server can validate its form.
async def save(event):
    return {"ok": True}


actions = {"default": save}
