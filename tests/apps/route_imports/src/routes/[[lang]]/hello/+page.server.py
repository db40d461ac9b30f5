from .greet.pick import pick


def load(event):
    return {"greeting": pick(event.params.get("lang", "en"))}
