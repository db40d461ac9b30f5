def load(event):
    return {"rootlayout": "rootlayout"}
