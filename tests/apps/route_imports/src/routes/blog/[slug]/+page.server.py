from ...shared import counter
from .post import Post


def load(event):
    post = Post(event.params["slug"])
    return {"title": post.title, "module": Post.__module__, "count": counter.value}
