def load(event):
    return {"n": 1}
