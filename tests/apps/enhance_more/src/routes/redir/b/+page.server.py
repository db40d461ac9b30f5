async def ping(event):
    return {"pong": True}


actions = {"ping": ping}
