def load(event):
    return {"released": event.locals.released}
