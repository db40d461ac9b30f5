from starlette.responses import JSONResponse

from kite import RequestEvent


def POST(event: RequestEvent) -> JSONResponse:
    event.flash("Pinged.")
    return JSONResponse({"ok": True})
