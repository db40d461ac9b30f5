from lib.models import Contact, Subscribe

forms = {"subscribe": Subscribe, "contact": Contact}


async def subscribe(event):
    form = await event.form(Subscribe)
    return {"subscribed": form.email}


async def contact(event):
    form = await event.form(Contact)
    return {"sent": form.email}


actions = {"subscribe": subscribe, "contact": contact}
