from lib.marks import count_load

prerender = True


def load(event):
    count_load("about")
    return {"who": "about page"}
