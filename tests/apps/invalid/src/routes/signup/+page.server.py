"""A form whose failure marks its fields the way typed forms do: aria-invalid, autofocus on
the first invalid field, an error summary (tests/browser/test_failure_focus.py)."""

from kite import fail


async def register(event):
    form = await event.request.form()
    errors = {}
    if not form.get("name"):
        errors["name"] = "Enter your name."
    if "@" not in str(form.get("email", "")):
        errors["email"] = "Enter an email address with an @."
    if errors:
        return fail(400, {"errors": errors, "name": form.get("name"), "email": form.get("email")})
    return {"done": True}


async def later(event):
    # A failure that marks no field: focus must stay where the user is.
    return fail(400, {"later": True})


actions = {"register": register, "later": later}
