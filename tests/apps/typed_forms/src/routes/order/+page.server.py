from lib.models import Order

forms = {"order": Order}


async def default(event):
    order = await event.form(Order)
    attachment = None
    if order.attachment is not None:
        attachment = [order.attachment.filename, len(await order.attachment.read())]
    return {"order": order.model_dump(mode="json", exclude={"attachment", "card"}), "attachment": attachment}


actions = {"default": default}
