from kite import error, json, redirect


def GET(event):
    return json({"ok": True})


async def POST(event):
    error(422, "Not that")


def DELETE(event):
    redirect(303, "/todos")
