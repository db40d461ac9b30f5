from kite import error


def default(event):
    error(502, "something went wrong")


actions = {"default": default}
