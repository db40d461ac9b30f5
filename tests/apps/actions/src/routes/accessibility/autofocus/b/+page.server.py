def default(event):
    return None


actions = {"default": default}
