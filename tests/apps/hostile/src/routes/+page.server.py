def load(event):
    return {"count": len(event.url.query_params)}
