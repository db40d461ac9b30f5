# A page that plays audio while an enhanced form updates it: the player must keep playing.
def load(event):
    return {"visits": int(event.cookies.get("media-visits") or 0)}


def default(event):
    visits = int(event.cookies.get("media-visits") or 0) + 1
    event.cookies.set("media-visits", str(visits), path="/")
    return {"saved": visits}


actions = {"default": default}
