from ...shared import counter
from ..menu import MENU


def load(event):
    return {"count": counter.value, "items": len(MENU)}
