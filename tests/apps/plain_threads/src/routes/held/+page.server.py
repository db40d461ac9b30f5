from kite import get_request_event

from lib.gate import MAX_WAIT, gate


def load(event):
    # Blocks this worker thread (as a slow query would) until /release opens the gate.
    released = gate.wait(MAX_WAIT)
    gate.clear()
    return {"released": released, "path": get_request_event().url.path}
