from lib.rendezvous import EVENTS, for_request


async def load(event):
    for_request(event.request).set()
    EVENTS.pop(id(event.request), None)
    return {}
