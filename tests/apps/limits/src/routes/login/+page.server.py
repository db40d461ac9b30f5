"""Rate-limited actions: per client address, and per submitted name."""

from kite import fail, limits


def by_name(event):
    form = event.request.parsed_form
    return f"{event.client_address}|{str(form.get('name', '')).strip().lower()}"


async def by_name_async(event):
    return by_name(event)


@limits(rate="3/minute", key=by_name)
async def attempt(event):
    return fail(400, {"wrong": True})


@limits(rate="2/hour", key=by_name_async)
async def attempt_async(event):
    return {"ok": True}


@limits(rate="2/minute")
async def by_address(event):
    return {"ok": True}


def not_a_string(event):
    return 42


@limits(rate="2/minute", key=not_a_string)
async def bad_key(event):
    return {"ok": True}


actions = {
    "attempt": attempt,
    "attempt_async": attempt_async,
    "by_address": by_address,
    "bad_key": bad_key,
}
