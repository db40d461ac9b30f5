# GET /counts: what ran so far; GET /counts?release lets a held validation answer.
from lib import counts

from kite import json


async def GET(event):
    if "release" in event.url.query_params:
        counts.release()
    return json(counts.counts)
