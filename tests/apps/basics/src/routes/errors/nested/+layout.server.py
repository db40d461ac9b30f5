from kite import error


async def load(event):
    error(503, "nested layout is down")
