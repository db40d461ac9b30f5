from .menu import MENU


def load(event):
    return {"menu": MENU}
