from kite import error
from lib.marks import count_load

prerender = True

TITLES = {"hello": "Hello, world", "second": "The second post", "unlinked": "Only in entries"}


def entries():
    # "second" is not listed: kite build finds it through the link on /blog.
    return [{"slug": "hello"}, {"slug": "unlinked"}]


def load(event):
    count_load("post")
    slug = event.params["slug"]
    if slug not in TITLES:
        error(404, "No such post")
    return {"slug": slug, "title": TITLES[slug]}
