from lib.phase import phase

from kite import fail


def load(event):
    return {"page_phase": phase.get()}


def default(event):
    event.locals.acted = True
    phase.set("set by the action")
    if event.form_data.get("name") == "":
        return fail(400, {"missing": True})
    return {"name": event.form_data.get("name")}


actions = {"default": default}
