ROWS = [{"name": "<tea>", "done": True}, {"name": "milk & honey", "done": False}]


def load(event):
    return {"rows": ROWS}


async def default(event):
    form = await event.request.form()
    upload = form.get("upload")
    return {
        "name": form.get("name"),
        "upload": None if upload is None or isinstance(upload, str) else {
            "filename": upload.filename,
            "size": len(await upload.read()),
        },
    }


actions = {"default": default}
