"""The six requests every contender answers, and the check each answer must pass before it is
timed. A contender whose answer is wrong is reported FAILED for that scenario, never timed:
a fast wrong answer is not a result."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from harness.paths import SEED

_seed = json.loads(SEED.read_text(encoding="utf-8"))
USER = _seed["users"][0]
LATEST_USER = _seed["users"][-1]
SESSION = _seed["session"]["token"]
LAST_TODO = _seed["todos"][-1]["text"]

# What a browser sends for a navigation or a native form post.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = "application/x-www-form-urlencoded"
# What SvelteKit's `enhance` (and Kite's runtime) send with an enhanced submission.
ENHANCED = {"accept": "application/json", "x-sveltekit-action": "true"}


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    session: bool = False
    expect_status: int = 200
    expect_type: str = "text/html"
    expect_body: tuple[str, ...] = ()
    expect_cookie: str | None = None

    @property
    def body(self) -> str:
        return urlencode(self.form) if self.form is not None else ""

    def request_headers(self, origin: str) -> dict[str, str]:
        """Every header the request carries besides Host: the same for the check and wrk."""
        headers = dict(self.headers)
        if self.method == "POST":
            # CSRF checks (Kite, SvelteKit and the hand-written apps) want our own Origin.
            headers["origin"] = origin
            headers["content-type"] = FORM
        if self.session:
            headers["cookie"] = f"sessionid={SESSION}"
        return headers

    def check(self, host: str, port: int) -> str | None:
        """One plain request; None when the answer is what the scenario expects, else why not."""
        origin = f"http://{host}:{port}"
        connection = http.client.HTTPConnection(host, port, timeout=10)
        try:
            body = self.body.encode()
            connection.request(self.method, self.path, body or None, self.request_headers(origin))
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError as exc:
            return f"no answer: {exc}"
        finally:
            connection.close()
        problems = []
        if response.status != self.expect_status:
            problems.append(f"status {response.status}, expected {self.expect_status}")
        content_type = response.getheader("content-type") or ""
        if not content_type.startswith(self.expect_type):
            problems.append(f"content-type {content_type!r}, expected {self.expect_type}")
        problems += [f"body lacks {needle!r}" for needle in self.expect_body if needle not in text]
        if self.expect_cookie is not None:
            cookies = response.headers.get_all("set-cookie") or []
            if not any(cookie.startswith(self.expect_cookie) for cookie in cookies):
                problems.append(f"no set-cookie {self.expect_cookie}...")
        if not problems:
            return None
        return "; ".join(problems) + f" — body starts: {text[:160]!r}"


WRONG_PASSWORD = {"email": USER["email"], "password": "wrong password"}
RIGHT_PASSWORD = {"email": USER["email"], "password": USER["password"]}

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "login-page",
        "GET /login",
        "GET",
        "/login",
        headers={"accept": BROWSER_ACCEPT},
        expect_body=("Recent users", LATEST_USER["email"], 'name="password"'),
    ),
    Scenario(
        "login-fail-native",
        "POST ?/login wrong password, native (400 page)",
        "POST",
        "/login?/login",
        headers={"accept": BROWSER_ACCEPT},
        form=WRONG_PASSWORD,
        expect_status=400,
        expect_body=("Invalid credentials!", f'value="{USER["email"]}"', LATEST_USER["email"]),
    ),
    Scenario(
        "login-fail-enhanced",
        "POST ?/login wrong password, enhanced (JSON failure)",
        "POST",
        "/login?/login",
        headers=ENHANCED,
        form=WRONG_PASSWORD,
        expect_status=400,
        expect_type="application/json",
        expect_body=('"type":"failure"', '"status":400', "incorrect"),
    ),
    Scenario(
        "login-ok-enhanced",
        "POST ?/login right password, enhanced (cookie)",
        "POST",
        "/login?/login",
        headers=ENHANCED,
        form=RIGHT_PASSWORD,
        expect_type="application/json",
        expect_body=('"type":"success"', '"status":200', "success"),
        expect_cookie="sessionid=",
    ),
    Scenario(
        "todos-page",
        "GET /todos with a session (50 todos)",
        "GET",
        "/todos",
        headers={"accept": BROWSER_ACCEPT},
        session=True,
        expect_body=(f"Todos of {USER['name']}", "open of 50", LAST_TODO),
    ),
    Scenario(
        "todos-toggle-enhanced",
        "POST ?/toggle, enhanced",
        "POST",
        "/todos?/toggle",
        headers=ENHANCED,
        form={"id": "7", "done": "true"},
        session=True,
        expect_type="application/json",
        expect_body=('"type":"success"', '"status":204'),
    ),
)

# Timed by bench/plain_cost.py only (kite-plain and its twin): the peers have no endpoint.
ENDPOINT = Scenario(
    "todos-json",
    "GET /api/todos, an endpoint (50 todos as JSON)",
    "GET",
    "/api/todos",
    headers={"accept": "application/json"},
    session=True,
    expect_type="application/json",
    expect_body=(LAST_TODO,),
)
