"""How many unreachable objects the collector finds now: what the requests since the last
call left for it (reference cycles)."""

import gc

from kite import json


async def GET(event):
    return json({"unreachable": gc.collect()})
