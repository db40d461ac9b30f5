from kite import get_request_event

from lib.gate import wait_at_gate


def load(event):
    # Blocks this worker thread (as a slow query would) until /release opens the gate.
    released = wait_at_gate()
    return {"released": released, "path": get_request_event().url.path}
