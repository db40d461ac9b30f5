"""The same app hand-written with FastAPI, the way its docs teach: `Jinja2Templates` and
`TemplateResponse`, a pydantic model for the login form (`Annotated[Credentials, Form()]`),
`Form()` parameters for the toggle, dependencies for the session user and the Origin check,
`JSONResponse` for enhanced (JSON) submissions, `async def` path operations as the docs'
examples have them.

Same store (benchlib.store), same templates and markup (the Kite app's, nested page inside
`+layout.html` inside `app.html` as benchlib.pages nests them), same answers as the
Starlette app for every benchmark scenario. FastAPI is not a Kite dependency: bench/run
installs a pinned version into .venv when this contender runs (bench/harness/install.py).
Run: bench/apps/serve.py fastapi_app:app --port 8000 (uvicorn's defaults).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import jinja2
from benchlib import actions
from benchlib.pages import KITE_SRC
from benchlib.store import MIN_PASSWORD_LENGTH, SESSION_COOKIE, SESSION_SECONDS, User, store
from fastapi import Cookie, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel


def _document() -> str:
    """app.html as a Jinja2 template: the page rendered first, then the layout around it
    (what a FastAPI app's `base.html` with `{% block content %}` would do, kept to the Kite
    app's files so that every contender sends the same markup)."""
    shell = (KITE_SRC / "app.html").read_text(encoding="utf-8")
    body = (
        '{% set children %}{% include "routes/" ~ route ~ "/+page.html" %}{% endset %}'
        '{% include "routes/+layout.html" %}'
    )
    # Jinja2 drops a template's last newline; app.html's own is kept, as the others send it.
    return shell.replace("%kite.head%", "").replace("%kite.body%", body) + "\n"


templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.DictLoader({"document.html": _document()}),
                jinja2.FileSystemLoader(str(KITE_SRC)),
            ]
        ),
        autoescape=True,
        # As Kite's: `form.email` is empty, not an error, when `form` is None.
        undefined=jinja2.ChainableUndefined,
    )
)
app = FastAPI()


class Credentials(BaseModel):
    email: str = ""
    password: str = ""


async def current_user(sessionid: Annotated[str | None, Cookie()] = None) -> User | None:
    return store.user_for_session(sessionid)


async def same_origin(request: Request) -> None:
    """The CSRF check SvelteKit and Kite make on form posts."""
    if not actions.same_origin(request.headers.get("origin"), request.headers.get("host")):
        raise HTTPException(403, "Cross-site POST form submissions are forbidden")


CurrentUser = Annotated[User | None, Depends(current_user)]


def _layout_data(user: User | None) -> dict[str, Any]:
    return {"user": None if user is None else user.public()}


def _login_data(user: User | None) -> dict[str, Any]:
    return {**_layout_data(user), "users": store.recent_users(20)}


def _todos_data(user: User) -> dict[str, Any]:
    todos = store.todos_of(user.id)
    return {**_layout_data(user), "todos": todos, "open": sum(not t["done"] for t in todos)}


def _page(request: Request, route: str, data: dict[str, Any], form: Any = None) -> Response:
    context = {"route": route, "data": data, "form": form}
    return templates.TemplateResponse(request, "document.html", context)


def _answer(
    request: Request,
    route: str,
    *,
    status: int,
    rerender: Callable[[], dict[str, Any]],
    result: Any = None,
) -> Response:
    """The action's outcome: ActionResult JSON for enhanced posts, the page re-rendered
    with `form` for native ones. `result` is the action's data; `rerender` the page data."""
    location = actions.action_location(request.url.path, request.url.query)
    if actions.wants_json(request.headers.get("accept")):
        if status >= 400:
            failure = {"type": "failure", "status": status, "location": location}
            return JSONResponse({**failure, "data": actions.stringify(result)}, status)
        if result is None:
            return JSONResponse({"type": "success", "status": 204, "location": location})
        success = {"type": "success", "status": 200, "location": location}
        return JSONResponse({**success, "data": actions.stringify(result)})
    response = _page(request, route, rerender(), form=result)
    response.status_code = status
    return response


@app.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, user: CurrentUser) -> Response:
    return _page(request, "login", _login_data(user))


@app.post("/login", dependencies=[Depends(same_origin)])
async def login_actions(
    request: Request, user: CurrentUser, credentials: Annotated[Credentials, Form()]
) -> Response:
    name = actions.action_name(request.url.query)
    if name not in ("login", "register"):
        raise HTTPException(404, f"No action with name '{name}' found")
    email = credentials.email.strip()

    def fail(result: dict[str, Any]) -> Response:
        return _answer(
            request, "login", status=400, result=result, rerender=lambda: _login_data(user)
        )

    if not email:
        return fail({"email": email, "missing": True})
    if name == "login":
        found = store.check_login(email, credentials.password)
        if found is None:
            return fail({"email": email, "incorrect": True})
        result: dict[str, Any] = {"success": True}
    else:
        if len(credentials.password) < MIN_PASSWORD_LENGTH:
            return fail({"email": email, "short": True})
        found = store.create_user(email, credentials.password)
        if found is None:
            return fail({"email": email, "exists": True})
        result = {"success": True, "registered": True}
    signed_in = found
    response = _answer(
        request, "login", status=200, result=result, rerender=lambda: _login_data(signed_in)
    )
    token = store.create_session(found.id)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True)
    return response


@app.get("/todos", response_class=HTMLResponse)
async def todos_page(request: Request, user: CurrentUser) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return _page(request, "todos", _todos_data(user))


@app.post("/todos", dependencies=[Depends(same_origin)])
async def todos_actions(
    request: Request,
    user: CurrentUser,
    id: Annotated[str, Form()] = "",
    done: Annotated[str, Form()] = "",
) -> Response:
    if actions.action_name(request.url.query) != "toggle":
        raise HTTPException(404, "No such action")
    if user is None:
        if actions.wants_json(request.headers.get("accept")):
            return JSONResponse({"type": "redirect", "status": 303, "location": "/login"})
        return RedirectResponse("/login", status_code=303)
    if not (id.isdigit() and store.set_done(user.id, int(id), done == "true")):
        return _answer(
            request,
            "todos",
            status=404,
            result={"notice": "No such todo"},
            rerender=lambda: _todos_data(user),
        )
    return _answer(request, "todos", status=200, rerender=lambda: _todos_data(user))
