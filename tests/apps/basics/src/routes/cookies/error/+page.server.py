from kite import error


def load(event):
    event.cookies.set("before-error", "kept")
    error(409, "cookie then error")
