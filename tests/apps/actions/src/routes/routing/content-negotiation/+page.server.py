def default(event):
    return {"submitted": True}


actions = {"default": default}
