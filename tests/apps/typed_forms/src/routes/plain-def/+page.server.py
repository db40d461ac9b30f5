from lib.models import Subscribe

forms = {"subscribe": Subscribe}


def default(event):
    # A plain def action runs in a worker thread: event.form() returns the model directly.
    form = event.form(Subscribe)
    return {"subscribed": form.email}


actions = {"default": default}
