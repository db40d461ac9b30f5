async def load(event):
    return {"root": "root-data", "user": getattr(event.locals, "user", None)}
