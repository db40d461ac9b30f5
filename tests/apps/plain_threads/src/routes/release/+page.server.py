from kite import get_request_event

from lib.gate import gate


def load(event):
    gate.set()
    return {"path": get_request_event().url.path}


def open_gate(event):
    gate.set()
    return {"opened_by": get_request_event().url.path}


actions = {"default": open_gate}
