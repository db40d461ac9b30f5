from kite import fail

from lib.gate import record, wait_at_gate


async def default(event):
    form = await event.request.form()
    n = form.get("n", "")
    if not await wait_at_gate():
        return fail(504, {"n": n})
    # Written after the wait: only an action that was let finish leaves its line.
    record(n)
    return {"n": n}


actions = {"default": default}
