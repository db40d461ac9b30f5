def load(event):
    raise RuntimeError("broken on purpose, for handle_error")
