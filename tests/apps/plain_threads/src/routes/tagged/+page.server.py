from lib.tags import request_tag


def load(event):
    return {"tag": request_tag.get()}
