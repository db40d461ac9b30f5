from kite import error


async def load(event):
    error(418, "I am a teapot")
