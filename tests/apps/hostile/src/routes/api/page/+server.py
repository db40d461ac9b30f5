from starlette.responses import HTMLResponse


def GET(event):
    return HTMLResponse("<p>from an endpoint</p>", headers={"referrer-policy": "same-origin"})
