def load(event):
    return {"loaded": True}
