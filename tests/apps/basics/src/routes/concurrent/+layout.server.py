import asyncio

from lib.rendezvous import for_request


async def load(event):
    try:
        await asyncio.wait_for(for_request(event.request).wait(), timeout=5)
        return {"mode": "concurrent"}
    except TimeoutError:
        return {"mode": "sequential"}
