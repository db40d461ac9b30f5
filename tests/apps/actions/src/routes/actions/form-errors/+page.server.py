from kite import fail


def default(event):
    return fail(400, {"errors": {"message": "an error occurred"}})


actions = {"default": default}
