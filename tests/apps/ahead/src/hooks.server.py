"""A plain `handle` that says, in a header, whether the action had run by the time
`resolve(event)` returned, and that marks a context variable after it: a load queued from
inside `resolve` sees "before resolve", one queued later by the loop "after resolve".
Served with AHEAD_HANDLE=sequence, the same as `sequence(mark, report)`; with
AHEAD_HANDLE=off, the app has no `handle` at all."""

import os

from lib.phase import phase

from kite import sequence


def mark(event, resolve):
    phase.set("before resolve")
    return resolve(event)


def report(event, resolve):
    response = resolve(event)
    acted = getattr(event.locals, "acted", False)
    event.set_headers({"x-acted-in-resolve": "yes" if acted else "no"})
    phase.set("after resolve")
    return response


if os.environ.get("AHEAD_HANDLE") == "sequence":
    handle = sequence(mark, report)
elif os.environ.get("AHEAD_HANDLE") != "off":

    def handle(event, resolve):
        phase.set("before resolve")
        return report(event, resolve)
