"""The same app as a bare ASGI callable: no framework, no router, no request object.

Two variants, one code path:

- `app` — the ceiling. HTML is rendered once per distinct state (the store's version, the
  user, the form's data) and served from memory afterwards: in the timed loop it sends
  pre-rendered bytes. A real app could not cache like this; it shows what uvicorn costs.
- `app_jinja` — the same, rendering the templates with Jinja2 on every request: the cost of
  the templates themselves, without any framework around them.

Both still do the per-request work every contender does: parse the cookie and the form,
check the Origin and the password, create sessions, encode ActionResults.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from benchlib import actions
from benchlib.pages import Pages
from benchlib.store import MIN_PASSWORD_LENGTH, SESSION_COOKIE, SESSION_SECONDS, User, store

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

HTML = (b"content-type", b"text/html; charset=utf-8")
JSON = (b"content-type", b"application/json")
TEXT = (b"content-type", b"text/plain; charset=utf-8")


def _cookie(header: str | None, name: str) -> str | None:
    if not header:
        return None
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class App:
    def __init__(self, *, cache: bool) -> None:
        self.pages = Pages()
        self.cache: dict[tuple[Any, ...], bytes] | None = {} if cache else None

    def render(self, route: str, user: User | None, form: dict[str, Any] | None) -> bytes:
        key = None
        if self.cache is not None:
            form_key = None if form is None else tuple(form.items())
            key = (route, store.version, None if user is None else user.id, form_key)
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        data: dict[str, Any] = {"user": None if user is None else user.public()}
        if route == "login":
            data["users"] = store.recent_users(20)
        else:
            assert user is not None
            todos = store.todos_of(user.id)
            data["todos"] = todos
            data["open"] = sum(not todo["done"] for todo in todos)
        page = self.pages.render(route, data, form).encode("utf-8")
        if key is not None and self.cache is not None:
            self.cache[key] = page
        return page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        path, method = scope["path"], scope["method"]
        query = scope["query_string"].decode("latin-1")
        user = store.user_for_session(_cookie(headers.get("cookie"), SESSION_COOKIE))
        status, extra, body = 404, [TEXT], b"Not Found"
        if path in ("/login", "/todos"):
            route = path[1:]
            if method == "GET":
                if route == "todos" and user is None:
                    status, extra, body = 303, [(b"location", b"/login")], b""
                else:
                    status, extra, body = 200, [HTML], self.render(route, user, None)
            elif method == "POST":
                if not actions.same_origin(headers.get("origin"), headers.get("host")):
                    message = b"Cross-site POST form submissions are forbidden"
                    status, extra, body = 403, [TEXT], message
                else:
                    form = dict(parse_qsl((await _body(receive)).decode("latin-1")))
                    status, extra, body = self.act(route, user, form, path, query, headers)
        extra.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": body})

    def act(
        self,
        route: str,
        user: User | None,
        form: dict[str, str],
        path: str,
        query: str,
        headers: dict[str, str],
    ) -> tuple[int, Headers, bytes]:
        """Run the named action; answer as Kite and SvelteKit do."""
        name = actions.action_name(query)
        location = actions.action_location(path, query)
        as_json = actions.wants_json(headers.get("accept"))
        cookies: Headers = []
        status, result = 200, None
        if route == "login" and name in ("login", "register"):
            email, password = form.get("email", "").strip(), form.get("password", "")
            if not email:
                status, result = 400, {"email": email, "missing": True}
            elif name == "login":
                user_found = store.check_login(email, password)
                if user_found is None:
                    status, result = 400, {"email": email, "incorrect": True}
                else:
                    user, result = user_found, {"success": True}
            elif len(password) < MIN_PASSWORD_LENGTH:
                status, result = 400, {"email": email, "short": True}
            else:
                created = store.create_user(email, password)
                if created is None:
                    status, result = 400, {"email": email, "exists": True}
                else:
                    user, result = created, {"success": True, "registered": True}
            if status == 200 and user is not None:
                token = store.create_session(user.id)
                cookie = (
                    f"{SESSION_COOKIE}={token}; HttpOnly; Max-Age={SESSION_SECONDS}; "
                    "Path=/; SameSite=lax"
                )
                cookies.append((b"set-cookie", cookie.encode("latin-1")))
        elif route == "todos" and name == "toggle":
            if user is None:
                if as_json:
                    return 200, [JSON], actions.redirect(303, "/login")
                return 303, [(b"location", b"/login")], b""
            todo_id = form.get("id", "")
            done = form.get("done") == "true"
            if not (todo_id.isdigit() and store.set_done(user.id, int(todo_id), done)):
                status, result = 404, {"notice": "No such todo"}
        else:
            return 404, [TEXT], f"No action with name '{name}' found".encode()
        if as_json:
            if status >= 400:
                return status, [JSON, *cookies], actions.failure(status, location, result)
            return status, [JSON, *cookies], actions.success(location, result)
        return status, [HTML, *cookies], self.render(route, user, result)


app = App(cache=True)
app_jinja = App(cache=False)
