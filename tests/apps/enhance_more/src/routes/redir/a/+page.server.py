from kite import redirect


def load(event):
    if event.cookies.get("moved"):
        redirect(303, "/redir/b")
    return {}


async def go(event):
    event.cookies.set("moved", "1", path="/", secure=False)
    redirect(303, "/redir/b")


actions = {"go": go}
