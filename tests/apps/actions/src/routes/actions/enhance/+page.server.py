import asyncio

from kite import error
from starlette.datastructures import UploadFile


def load(event):
    return {"initial": "initial", "enhance_counter": int(event.cookies.get("enhance-counter") or 0)}


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
    count = int(event.cookies.get("enhance-counter") or 0) + 1
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
