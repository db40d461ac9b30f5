def save(event):
    return {"done": "save"}


actions = {"default": save}
