async def load(event):
    raise RuntimeError("secret database detail")
