csr = False  # a page without the runtime: a result shown here must be a native page load


async def hit(event):
    return {"hit": True}


actions = {"hit": hit}
