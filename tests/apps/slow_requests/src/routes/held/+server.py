from kite import text

from lib.gate import wait_at_gate


async def GET(event):
    if not await wait_at_gate():
        return text("the gate never opened", status=504)
    return text("done " + event.url.query_params.get("n", ""))
