# Catching InvalidForm to add a message of the app's own and answer another status.
from kite import InvalidForm

from lib.models import Contact

forms = {"contact": Contact}


async def default(event):
    try:
        form = await event.form(Contact)
    except InvalidForm as invalid:
        invalid.errors["_form"] = "Please check the form."
        return invalid.fail(422)
    return {"sent": form.email}


actions = {"default": default}
