"""Endpoints, each saying whether it ran inside `resolve` (event.locals.acted, read by the
hook) and under which mark of the hook's (the context variable)."""

from lib.phase import phase

from kite import error, json, redirect


def GET(event):
    event.locals.acted = True
    return json({"phase": phase.get()})


async def PUT(event):
    event.locals.acted = True
    return json({"phase": phase.get()})


def POST(event):
    event.locals.acted = True
    error(418, "Short and stout")


def DELETE(event):
    event.locals.acted = True
    redirect(303, "/form")


def PATCH(event):
    event.locals.acted = True
    return {"not": "a response"}
