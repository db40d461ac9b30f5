import datetime

from kite import error, fail, invalid, json, redirect


def raise_fail(event):
    raise fail(400, {"x": 1})


def return_redirect(event):
    try:
        redirect(303, "/")
    except Exception as exc:
        return exc


def return_error(event):
    try:
        error(400, "nope")
    except Exception as exc:
        return exc


def return_response(event):
    return json({"a": 1})


def not_serializable(event):
    return {"user": {"created": object()}}


async def text_plain(event):
    form = await event.request.form()
    return {"got": dict(form)}


async def read_text(event):
    body = await event.request.body()
    return {"text": body.decode()}


def nothing(event):
    return None


def fail_no_data(event):
    return fail(400)


def old_invalid(event):
    return invalid(422, {"old": True})


def falsy(event):
    return 0


def empty(event):
    return {}


def crash(event):
    raise ValueError("secret internal detail")


def rich(event):
    return {
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "tags": {"a"},
        "big": 2**60,
    }


def load(event):
    return {"loaded": "yes"}


actions = {
    "raise_fail": raise_fail,
    "return_redirect": return_redirect,
    "return_error": return_error,
    "return_response": return_response,
    "not_serializable": not_serializable,
    "text_plain": text_plain,
    "read_text": read_text,
    "nothing": nothing,
    "fail_no_data": fail_no_data,
    "old_invalid": old_invalid,
    "falsy": falsy,
    "empty": empty,
    "crash": crash,
    "rich": rich,
}


def sync_form(event):
    return {"name": event.form_data.get("name")}


actions["sync_form"] = sync_form
