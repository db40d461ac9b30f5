def load(event):
    return {"invalidate_all": event.url.query_params.get("invalidate_all") == "true"}


def default(event):
    return None


actions = {"default": default}
