import os

from lib.marks import count_load


def load(event):
    count_load("layout")
    return {"site": "Kite pages", "mark": os.environ.get("RENDER_MARK", "none")}
