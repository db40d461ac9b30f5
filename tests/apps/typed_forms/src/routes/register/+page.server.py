from kite import fail_form

from lib.models import Register

forms = {"register": Register}

TAKEN = "taken@example.com"


async def register(event):
    form = await event.form(Register)
    if form.email == TAKEN:
        return fail_form(form, {"email": "An account with this email already exists."})
    return {"registered": form.email, "age": form.age}


actions = {"register": register}
