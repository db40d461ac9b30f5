async def load(event):
    event.cookies.set("visited", "yes please")
    return {"visited": event.cookies.get("visited"), "theme": event.cookies.get("theme")}
