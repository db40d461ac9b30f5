from lib.phase import phase


def load(event):
    return {"layout_phase": phase.get()}
