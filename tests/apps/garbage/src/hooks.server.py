"""A plain `handle` (GARBAGE_HANDLE=plain), an async one (async), or none: each request
path leaves what it made to reference counting, none of it to the collector."""

import os


def _plain(event, resolve):
    event.locals.seen = True
    return resolve(event)


async def _async(event, resolve):
    event.locals.seen = True
    return await resolve(event)


_chosen = os.environ.get("GARBAGE_HANDLE")
if _chosen == "plain":
    handle = _plain
elif _chosen == "async":
    handle = _async
