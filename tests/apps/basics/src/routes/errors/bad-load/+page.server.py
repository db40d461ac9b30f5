def load(event):
    return ["not", "a", "dict"]
