"""A page with its own body limit (4K) and actions with theirs."""

from kite import limits

body_size_limit = "4K"


async def _size(event):
    form = await event.request.form()
    return {"received": sum(len(str(value)) for _, value in form.multi_items())}


async def page_limit(event):
    return await _size(event)


@limits(body="16K")
async def own_limit(event):
    return await _size(event)


@limits(body="Infinity")
async def no_limit(event):
    return await _size(event)


actions = {"page_limit": page_limit, "own_limit": own_limit, "no_limit": no_limit}
