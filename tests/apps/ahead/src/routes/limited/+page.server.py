from kite import limits


@limits(body=16)
def small(event):
    event.locals.acted = True
    return {"ok": True}


@limits(rate="1/minute")
def once(event):
    event.locals.acted = True
    return {"ok": True}


actions = {"small": small, "once": once}
