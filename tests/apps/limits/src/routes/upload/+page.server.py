"""An action that takes uploads up to 2 GiB: it counts the file's bytes in chunks, never
holding it in memory."""

import hashlib

from starlette.datastructures import UploadFile

from kite import fail, limits


@limits(body="2G")
async def upload(event):
    form = await event.request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile):
        return fail(400, {"missing": True})
    digest = hashlib.sha256()
    size = 0
    while chunk := await file.read(1024 * 1024):
        size += len(chunk)
        digest.update(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


actions = {"upload": upload}
