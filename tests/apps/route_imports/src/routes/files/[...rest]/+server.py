from kite import json

from .listing import describe


def GET(event):
    return json(describe(event.params["rest"]))
