import asyncio

from kite import error
from starlette.datastructures import UploadFile


def counter_value(event):
    value = event.cookies.get("enhance-counter") or "0"
    return int(value) if value.isdigit() and len(value) < 10 else 0


def load(event):
    return {"initial": "initial", "enhance_counter": counter_value(event)}


async def login(event):
    form = await event.request.form()
    return {"result": form.get("username")}


async def register(event):
    form = await event.request.form()
    return {"result": "register: " + form.get("username", "")}


async def slow(event):
    await asyncio.sleep(0.5)


async def submitter(event):
    form = await event.request.form()
    return {"result": "submitter: " + form.get("submitter", "")}


def error_action(event):
    error(400, "error")


async def echo(event):
    form = await event.request.form()
    return {"message": form.get("message")}


def counter(event):
    count = counter_value(event) + 1
    event.cookies.set("enhance-counter", str(count), path="/actions/enhance")
    return {}


async def send_file(event):
    form = await event.request.form()
    file = form.get("file")
    if isinstance(file, UploadFile):
        return {"result": "file name:" + file.filename}
    return {}


actions = {
    "login": login,
    "register": register,
    "slow": slow,
    "submitter": submitter,
    "error": error_action,
    "echo": echo,
    "counter": counter,
    "send_file": send_file,
}
