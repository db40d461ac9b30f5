import asyncio


async def load(event):
    await asyncio.sleep(0.05)
    return {"a": 1, "shared": "layout"}
