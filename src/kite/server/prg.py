"""Post/redirect/get: a form posted without JavaScript is answered with a 303 to its page,
and the action's result reaches the page that GET renders, once.

Opt-in: `post_redirect_get = true` in kite.toml, or `post_redirect_get = True/False` in a
+page.server.py (which wins). The result travels in a cookie sealed with the app's secret
(sealing.py), named after the page's URL, so that results posted to two pages at once
do not replace each other; it lives a minute (`[cookies] result_max_age`) and is deleted
by the GET that shows it.
Sensitive values never enter it; a result that does not fit in a cookie is rendered in the
POST's response, as without post/redirect/get.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from pydantic import SecretBytes, SecretStr
from starlette.responses import Response

from kite import devalue
from kite.forms.schema import is_sensitive_name
from kite.sansio import action_result
from kite.server.context import RequestContext
from kite.server.manifest import Route

if TYPE_CHECKING:
    from kite.server.site import Site

__all__ = ["Carried", "redirect_after_post", "take_result"]

logger = logging.getLogger("kite")

PREFIX = "kite_prg_"
# Browsers keep cookies of about 4096 bytes: name, value and attributes together.
MAX_VALUE = 3800


class Carried:
    """A result brought to the GET: what the page renders as `form`, and its status."""

    def __init__(self, status: int, data: Any) -> None:
        self.status = status
        self.data = data


def enabled(app: Site, route: Route) -> bool:
    page = route.page_server
    if page is not None and page.post_redirect_get is not None:
        return page.post_redirect_get
    return app.settings.post_redirect_get


def _cookie_name(location: str) -> str:
    return PREFIX + hashlib.sha256(location.encode("utf-8")).hexdigest()[:12]


def redirect_after_post(
    ctx: RequestContext, route: Route, *, kind: str, status: int, data: Any
) -> Response | None:
    """The 303 for a native submission whose action succeeded or failed, with its result
    sealed in a cookie; None when the page does not use post/redirect/get or the result
    cannot travel in a cookie (the caller renders the page as before)."""
    app, event, sealer = ctx.site, ctx.event, ctx.site.prg_sealer
    if kind not in ("success", "failure") or not enabled(app, route):
        return None
    location = action_result.result_location(event.url.path, event.url.query)
    try:
        text = devalue.stringify([location, status, _without_secrets(data)], reducers=app.reducers)
    except devalue.DevalueError:
        return None  # rendered in the POST's response, which reports what is wrong
    token = sealer.seal(text.encode("utf-8"))
    if len(token) > MAX_VALUE:
        logger.info(
            "the result of %s is too big for a cookie (%d bytes sealed, at most %d): "
            "rendered in the POST's response instead of redirecting",
            route.id,
            len(token),
            MAX_VALUE,
        )
        return None
    event.cookies.set(_cookie_name(location), token, path="/", max_age=sealer.max_age)
    return Response(status_code=303, headers={"location": location, "cache-control": "no-store"})


def take_result(ctx: RequestContext) -> Carried | None:
    """The result waiting for this GET, taken out of its cookie; None when there is none."""
    app, event, sealer = ctx.site, ctx.event, ctx.site.prg_sealer
    location = action_result.result_location(event.url.path, event.url.query)
    name = _cookie_name(location)
    token = event.cookies.get(name)
    if token is None:
        return None
    event.cookies.delete(name, path="/")
    plaintext = sealer.open(token)
    if plaintext is None:
        return None
    try:
        sealed_location, status, data = devalue.parse(
            plaintext.decode("utf-8"), revivers=app.revivers
        )
    except (devalue.DevalueError, ValueError, TypeError):
        return None
    if sealed_location != location or not isinstance(status, int):
        return None
    return Carried(status, data)


def _is_form_state(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.keys() == {"form_id", "values", "errors"}
        and isinstance(value["errors"], dict)
    )


def _without_secrets(value: Any) -> Any:
    """A copy of an action's data without what must not leave the server in a cookie:
    SecretStr/SecretBytes values, and entries whose key names a secret (`password`, ...)."""
    if isinstance(value, SecretStr | SecretBytes):
        return None
    if _is_form_state(value):
        # A typed form's failure (forms/state.py): its values already leave secrets out, and
        # its errors are the app's own messages keyed by field name — "password" among them —
        # which the page must show beside that field.
        errors = value["errors"]
        return {
            **value,
            "values": _without_secrets(value["values"]),
            "errors": {key: _without_secrets(message) for key, message in errors.items()},
        }
    if isinstance(value, dict):
        return {
            key: _without_secrets(item)
            for key, item in value.items()
            if not (isinstance(key, str) and is_sensitive_name(key))
            and not isinstance(item, SecretStr | SecretBytes)
        }
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value
