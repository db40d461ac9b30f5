from kite import json

from lib.gate import waiting


async def GET(event):
    return json({"waiting": waiting.is_set()})
