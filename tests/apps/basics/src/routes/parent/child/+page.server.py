async def load(event):
    parent = await event.parent()
    return {"b": parent["a"] + 1, "shared": "page"}
