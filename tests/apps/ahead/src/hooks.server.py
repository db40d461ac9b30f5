"""A plain `handle` that says, in a header, whether the action had run by the time
`resolve(event)` returned, and that marks a context variable after it: a load queued from
inside `resolve` sees "before resolve", one queued later by the loop "after resolve"."""

from lib.phase import phase


def handle(event, resolve):
    phase.set("before resolve")
    response = resolve(event)
    acted = getattr(event.locals, "acted", False)
    event.set_headers({"x-acted-in-resolve": "yes" if acted else "no"})
    phase.set("after resolve")
    return response
