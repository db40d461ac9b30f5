from .shared import counter


def load(event):
    return {"count": counter.value}


def bump(event):
    counter.value += 1
    return {"bumped": True}


actions = {"default": bump}
