from kite import error


def load(event):
    if event.params["slug"] == "missing":
        error(404, "No such post", code="NO_POST")
    return {"slug": event.params["slug"], "route": event.route.id}
