from kite import redirect


def load(event):
    if event.url.query_params.get("redirect"):
        redirect(303, "/routing/client-nav/a?redirected=1")
    return {"query": event.url.query}
