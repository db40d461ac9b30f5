from kite import fail


async def default(event):
    form = await event.request.form()
    values = {key: value for key, value in form.items() if key != "password"}
    return fail(400, {"values": values, "errors": {"message": "invalid credentials"}})


actions = {"default": default}
