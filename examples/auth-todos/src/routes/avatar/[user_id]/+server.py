"""`GET /avatar/<user_id>`: a user's profile picture, for signed-in users.

Pages link to `/avatar/<id>?v=<version>`, and each upload gets a new version: a URL with
the current version never changes content, so browsers may keep it for a year. Without it
(or with an old one) they must ask again each time, cheaply, with the ETag.
"""

from __future__ import annotations

from kite import RequestEvent, error
from starlette.responses import Response

from lib import avatars

YEAR = 60 * 60 * 24 * 365


def GET(event: RequestEvent) -> Response:
    if event.locals.user is None:
        error(401, "Log in to see profile pictures.")
    user_id = event.params["user_id"]
    valid = user_id.isascii() and user_id.isdigit() and len(user_id) <= 18
    avatar = avatars.load(int(user_id)) if valid else None
    if avatar is None:
        error(404, "No such picture.")
    version = str(avatar["version"])
    # `private`: the picture is only for signed-in users, so no shared cache may keep it.
    if event.url.query_params.get("v") == version:
        cache = f"private, max-age={YEAR}, immutable"
    else:
        cache = "private, no-cache"
    headers = {"cache-control": cache, "etag": f'"{version}"'}
    if event.request.headers.get("if-none-match") == headers["etag"]:
        return Response(status_code=304, headers=headers)
    return Response(avatar["data"], media_type=avatar["content_type"], headers=headers)
