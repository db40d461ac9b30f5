import gc

from kite import json


def GET(event):
    return json({"frozen": gc.get_freeze_count()})
