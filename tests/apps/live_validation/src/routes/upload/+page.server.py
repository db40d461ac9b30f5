"""An upload with a progress bar and a cancel button, no JavaScript written for either."""

from kite import limits

from lib import counts


@limits(body="100M")
async def default(event):
    counts.hit("action")
    upload = event.form_data.get("file")
    size = 0
    while chunk := await upload.read(1 << 20):
        size += len(chunk)
    return {"size": size}


actions = {"default": default}
