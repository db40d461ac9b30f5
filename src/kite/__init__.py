"""Kite: SvelteKit's page model for Python.

File-based routes under `src/routes`, `load` functions, Jinja2 templates, and form actions
that work without JavaScript and are enhanced by a small browser runtime::

    # src/routes/login/+page.server.py
    from kite import fail, redirect

    async def login(event):
        form = await event.request.form()
        if not form.get("email"):
            return fail(400, {"missing": True})
        redirect(303, "/")

    actions = {"login": login}

Everything users import is re-exported here.
"""

from kite.exceptions import (
    ActionFailure,
    HttpError,
    KiteError,
    Redirect,
    RequestError,
    error,
    fail,
    invalid,
    is_action_failure,
    is_http_error,
    is_redirect,
    redirect,
)
from kite.forms import InvalidForm, Sensitive, Textarea, UploadedFile, fail_form
from kite.hooks import sequence
from kite.responses import json, text
from kite.server.app import create_app
from kite.server.cookies import Cookies
from kite.server.event import RequestEvent, get_request_event
from kite.server.limits import limits

__version__ = "0.1.0"

__all__ = [
    "ActionFailure",
    "Cookies",
    "HttpError",
    "InvalidForm",
    "KiteError",
    "Redirect",
    "RequestError",
    "RequestEvent",
    "Sensitive",
    "Textarea",
    "UploadedFile",
    "create_app",
    "error",
    "fail",
    "fail_form",
    "get_request_event",
    "invalid",
    "is_action_failure",
    "is_http_error",
    "is_redirect",
    "json",
    "limits",
    "redirect",
    "sequence",
    "text",
]
