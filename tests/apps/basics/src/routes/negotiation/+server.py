from kite import text


def GET(event):
    return text("the endpoint")


def PUT(event):
    return text("PUT")
