from kite import json
from lib.counting import READS


def GET(event):
    return json(dict(READS))
