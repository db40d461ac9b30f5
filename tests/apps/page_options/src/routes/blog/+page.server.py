prerender = True

POSTS = {"hello": "Hello, world", "second": "The second post"}


def load(event):
    return {"posts": POSTS}
