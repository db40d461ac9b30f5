"""A gate between two requests: /held's plain load waits for it, /release's opens it.

Both loads are plain `def`s and block their thread: /release can only run while /held is
still waiting if the server neither runs plain functions on its event loop nor makes the
second wait for the first one's thread."""

import threading

MAX_WAIT = 20.0

gate = threading.Event()
# Set by whoever waits at the gate, so that a test sends /release only once a request is
# held there: otherwise /release could come first and the gate be open before anyone waits.
waiting = threading.Event()


def wait_at_gate() -> bool:
    """Block this thread until the gate opens (True) or MAX_WAIT passes (False)."""
    waiting.set()
    released = gate.wait(MAX_WAIT)
    gate.clear()
    waiting.clear()
    return released
