"""The account page: upload or remove a profile picture.

The upload form has `enctype="multipart/form-data"`; Kite hands the file over as Starlette's
`UploadFile`. Its name and content type come from the uploader and prove nothing, so the
action looks at the bytes (`avatars.sniff`).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from kite import ActionFailure, RequestEvent, fail, limits
from starlette.datastructures import UploadFile

from lib import auth, avatars


def load(event: RequestEvent) -> dict[str, Any]:
    user = auth.require_user(event)
    return {
        "email": user.email,
        "avatar": f"/avatar/{user.id}?v={user.avatar_version}" if user.avatar_version else None,
        "max_kb": avatars.max_bytes() // 1024,
    }


# Larger than the avatar limit (200 KB, env AVATAR_MAX_BYTES), so that a picture that is
# somewhat too big reaches the action and gets a clear message beside the field; only a body
# over 1 MB gets Kite's 413 page. Every other form of the app keeps the app's 512K.
@limits(body="1M")
async def upload_avatar(event: RequestEvent) -> dict[str, Any] | ActionFailure:
    user = auth.require_user(event)
    form = await event.request.form()
    upload = form.get("avatar")
    if not isinstance(upload, UploadFile) or not upload.filename:
        # A browser sends an empty file part when nothing was chosen; a form without the
        # multipart enctype sends only the file's name, as text.
        return fail(400, {"avatar_error": "Choose a picture to upload."})
    limit = avatars.max_bytes()
    # One byte more than allowed is enough to know it is too big: never read the rest.
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return fail(
            400,
            {
                "avatar_error": f"“{upload.filename}” is larger than {limit // 1024} KB."
                " Please choose a smaller picture."
            },
        )
    content_type = avatars.sniff(data)
    if content_type is None:
        return fail(
            400,
            {
                "avatar_error": f"“{upload.filename}” is not a PNG, JPEG, GIF or WebP picture"
                " (whatever its name says)."
            },
        )
    version = await asyncio.to_thread(avatars.save, user.id, content_type, data)
    # The layout rendered after this action shows the new picture.
    event.locals.user = dataclasses.replace(user, avatar_version=version)
    return {"avatar_saved": True}


async def remove_avatar(event: RequestEvent) -> dict[str, Any]:
    user = auth.require_user(event)
    await asyncio.to_thread(avatars.remove, user.id)
    event.locals.user = dataclasses.replace(user, avatar_version=None)
    return {"avatar_removed": True}


actions = {"upload_avatar": upload_avatar, "remove_avatar": remove_avatar}
