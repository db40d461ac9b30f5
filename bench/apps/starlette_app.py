"""The same app hand-written with Starlette, Jinja2 and python-multipart: what a Python
developer writes today to serve forms that SvelteKit-style `enhance` can submit.

Same store, same templates (rendered by benchlib.pages), same answers as the Kite app for
every benchmark scenario: HTML re-render with status 400 on a failed native post, an
ActionResult JSON for enhanced posts, a `sessionid` cookie on login, an Origin check on posts.
Run: uvicorn starlette_app:app --app-dir bench/apps (bench/run uses bench/apps/serve.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchlib import actions
from benchlib.pages import Pages
from benchlib.store import MIN_PASSWORD_LENGTH, SESSION_COOKIE, SESSION_SECONDS, User, store
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

pages = Pages()


def _layout_data(user: User | None) -> dict[str, Any]:
    return {"user": None if user is None else user.public()}


def _login_data(user: User | None) -> dict[str, Any]:
    return {**_layout_data(user), "users": store.recent_users(20)}


def _todos_data(user: User) -> dict[str, Any]:
    todos = store.todos_of(user.id)
    return {**_layout_data(user), "todos": todos, "open": sum(not t["done"] for t in todos)}


def _json(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def _forbidden(request: Request) -> Response | None:
    if actions.same_origin(request.headers.get("origin"), request.headers.get("host")):
        return None
    return PlainTextResponse("Cross-site POST form submissions are forbidden", status_code=403)


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
            return _json(actions.failure(status, location, result), status)
        return _json(actions.success(location, result))
    return HTMLResponse(pages.render(route, rerender(), form=result), status_code=status)


async def login_page(request: Request) -> Response:
    user = store.user_for_session(request.cookies.get(SESSION_COOKIE))
    if request.method == "GET":
        return HTMLResponse(pages.render("login", _login_data(user)))
    forbidden = _forbidden(request)
    if forbidden is not None:
        return forbidden
    name = actions.action_name(request.url.query)
    if name not in ("login", "register"):
        return PlainTextResponse(f"No action with name '{name}' found", status_code=404)
    form = await request.form()
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")

    def fail(data: dict[str, Any]) -> Response:
        return _answer(
            request, "login", status=400, result=data, rerender=lambda: _login_data(user)
        )

    if not email:
        return fail({"email": email, "missing": True})
    if name == "login":
        found = store.check_login(email, password)
        if found is None:
            return fail({"email": email, "incorrect": True})
        data: dict[str, Any] = {"success": True}
    else:
        if len(password) < MIN_PASSWORD_LENGTH:
            return fail({"email": email, "short": True})
        found = store.create_user(email, password)
        if found is None:
            return fail({"email": email, "exists": True})
        data = {"success": True, "registered": True}
    signed_in = found
    response = _answer(
        request, "login", status=200, result=data, rerender=lambda: _login_data(signed_in)
    )
    token = store.create_session(found.id)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True)
    return response


async def todos_page(request: Request) -> Response:
    user = store.user_for_session(request.cookies.get(SESSION_COOKIE))
    if request.method == "GET":
        if user is None:
            return RedirectResponse("/login", status_code=303)
        return HTMLResponse(pages.render("todos", _todos_data(user)))
    forbidden = _forbidden(request)
    if forbidden is not None:
        return forbidden
    if actions.action_name(request.url.query) != "toggle":
        return PlainTextResponse("No such action", status_code=404)
    if user is None:
        if actions.wants_json(request.headers.get("accept")):
            return _json(actions.redirect(303, "/login"))
        return RedirectResponse("/login", status_code=303)
    form = await request.form()
    todo_id = str(form.get("id") or "")
    done = form.get("done") == "true"
    if not (todo_id.isdigit() and store.set_done(user.id, int(todo_id), done)):
        return _answer(
            request,
            "todos",
            status=404,
            result={"notice": "No such todo"},
            rerender=lambda: _todos_data(user),
        )
    return _answer(request, "todos", status=200, rerender=lambda: _todos_data(user))


app = Starlette(
    routes=[
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/todos", todos_page, methods=["GET", "POST"]),
    ]
)
