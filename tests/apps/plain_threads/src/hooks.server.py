"""Plain hooks that block their thread until /release opens the gate (lib/gate.py), for the
paths that ask for it: like a plain load's, a plain hook's wait must not stall the server."""

from lib.gate import wait_at_gate
from lib.tags import request_tag


def handle(event, resolve):
    request_tag.set(f"tagged by handle for {event.url.path}")
    if event.url.path == "/held-by-handle":
        # A session looked up with a blocking database driver, say.
        event.locals.released = wait_at_gate()
    return resolve(event)


def handle_error(error, event, status, message):
    if event.url.path == "/broken-held":
        return {"message": f"reported; released: {wait_at_gate()}"}
    return None
