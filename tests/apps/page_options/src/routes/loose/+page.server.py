trailing_slash = "ignore"


def load(event):
    return {"path": event.url.path}
