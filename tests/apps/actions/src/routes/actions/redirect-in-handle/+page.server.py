def default(event):
    raise RuntimeError("should never get here")


actions = {"default": default}
