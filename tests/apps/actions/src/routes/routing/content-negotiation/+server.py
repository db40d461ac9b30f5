from kite import text


def GET(event):
    return text("GET")


def PUT(event):
    return text("PUT")


def PATCH(event):
    return text("PATCH")


def POST(event):
    return text("POST")


def DELETE(event):
    return text("DELETE")
