import random

from kite import fail


def load(event):
    return {"search": ("?" + event.url.query) if event.url.query else "", "loaded_at": random.random()}


def delete(event):
    return {"where": event.url.path}


def failing(event):
    return fail(400, {"failed": True})


actions = {"del": delete, "fail": failing}
