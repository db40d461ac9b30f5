from kite import redirect


def load(event):
    return {"initial": "initial"}


def default(event):
    redirect(303, "/actions/enhance")


actions = {"default": default}
