import random


def load(event):
    return {"layout_loaded_at": random.random()}
