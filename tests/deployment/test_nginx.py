"""The deployment of docs/deployment.md, "Several instances behind nginx", run for real:
Debian's nginx on a free loopback port with the page's configuration, round-robin without
stickiness over two `kite start` instances of the demo (two workers each, their own ports),
sharing one PostgreSQL database and one secret.

The figures of the load tests are printed (run with -s to see them) and recorded in
docs/reliability.md, "Several instances".
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from examples.auth_todos_helpers import (
    APP,
    PASSWORD,
    html_client,
    log_in,
    register,
    signed_in,
    unique_email,
)
from playwright.sync_api import Page, expect
from support.postgres import PostgresCluster, pg_rows
from support.servers import Server, free_port, kite_command, start_server
from support_nginx import Nginx, copy_app, require_nginx

WORKERS = 2
# Load: threads, each alternating a signed-in GET and an acknowledged POST, at most this
# many requests per thread (the test stops them sooner, when its restarts are done).
LOAD_THREADS = 3
LOAD_LIMIT = 600
REJOIN_TIMEOUT = 30.0


@dataclass
class Instance:
    app: Path
    port: int
    env: dict[str, str]
    logs: Path
    server: Server | None = None
    starts: int = 0

    def start(self, **env: str) -> Server:
        self.env.update(env)
        self.starts += 1
        self.server = start_server(
            kite_command(self.app, port=self.port, workers=WORKERS),
            port=self.port,
            log_path=self.logs / f"kite-{self.port}-{self.starts}.log",
            env=self.env,
        )
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()  # SIGTERM: what systemctl restart sends

    def kill(self) -> None:
        """SIGKILL to the instance's whole process group: the supervisor and its workers."""
        assert self.server is not None
        os.killpg(self.server.process.pid, signal.SIGKILL)
        self.server.process.wait()
        self.server.stop()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class Deployment:
    nginx: Nginx
    instances: list[Instance]
    database: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx.port}"

    def answered_by(self, since: int = 0) -> list[str]:
        """The instances nginx sent each request to, from access log line `since` on (a
        request retried on another instance lists both)."""
        return [line.split()[3] for line in self.nginx.access_log()[since:]]

    def wait_until_serving(self, instance: Instance) -> None:
        """Until nginx has sent `instance` a request again (its fail_timeout is over)."""
        since = len(self.nginx.access_log())
        deadline = time.monotonic() + REJOIN_TIMEOUT
        with html_client(self.url) as client:
            while instance.address not in self.answered_by(since):
                assert time.monotonic() < deadline, f"nginx never sent to {instance.address}"
                assert client.get("/login").status_code == 200


@pytest.fixture(scope="module")
def deployment(
    postgres: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    require_nginx()
    base = tmp_path_factory.mktemp("deployment")
    app = copy_app(APP, base / "app", trusted_proxy="127.0.0.1")
    database = postgres.create_database()
    env = {"DATABASE_URL": database, "KITE_SECRET": secrets.token_urlsafe(32)}
    instances = [Instance(app, free_port(), dict(env), base) for _ in range(2)]
    (base / "nginx").mkdir()
    nginx = Nginx(base / "nginx", [instance.port for instance in instances])
    try:
        for instance in instances:
            instance.start()
        nginx.start()
        yield Deployment(nginx, instances, database)
    finally:
        nginx.stop()
        for instance in instances:
            instance.stop()


def test_round_robin_without_stickiness(deployment: Deployment) -> None:
    with signed_in(deployment.url) as (client, email):
        since = len(deployment.nginx.access_log())
        for _ in range(10):
            response = client.get("/todos")
            assert response.status_code == 200
            assert f"Signed in as <strong>{email}</strong>" in response.text
    # One client, one session: answered by both instances in turn.
    answered = deployment.answered_by(since)
    assert sorted(set(answered)) == sorted(i.address for i in deployment.instances)


def test_the_demo_in_chromium(page: Page, deployment: Deployment) -> None:
    url = deployment.url
    email = unique_email()
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")

    page.goto(url + "/todos")
    page.get_by_label("New todo").fill("Buy milk")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_have_text("Added “Buy milk”.")
    page.get_by_role("button", name="Done: Buy milk").click()
    expect(page.get_by_role("button", name="Done: Buy milk")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".summary")).to_have_text("0 open of 1")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You have been logged out.")
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".signed-in")).to_contain_text(f"Signed in as {email}")
    page.goto(url + "/todos")
    expect(page.locator(".todo .text")).to_have_text(["Buy milk"])


def test_csrf_with_forwarded_headers(deployment: Deployment) -> None:
    url = deployment.url
    email = unique_email()
    with html_client(url) as client:
        registered = register(client, email)
        assert registered.status_code == 200, registered.text
        response = log_in(client, email)
        # The browser's Origin, through nginx: accepted (and redirected back to the page).
        assert response.status_code == 200
        assert response.history, "no post/redirect/get"
        assert f"Signed in as <strong>{email}</strong>" in response.text
    foreign = httpx.post(
        url + "/login?/login",
        data={"email": email, "password": PASSWORD},
        headers={"Origin": "https://elsewhere.example"},
        trust_env=False,
    )
    assert foreign.status_code == 403
    # Straight to an instance, without nginx's X-Forwarded-* headers, the same post is
    # cross-origin: the forwarded headers are what made it pass.
    direct = httpx.post(
        f"http://{deployment.instances[0].address}/login?/login",
        data={"email": email, "password": PASSWORD},
        headers={"Origin": url},
        trust_env=False,
    )
    assert direct.status_code == 403


@dataclass
class Load:
    """Signed-in GETs and todo creations through nginx from a few threads."""

    url: str
    cookie: str
    database: str
    stop: threading.Event = field(default_factory=threading.Event)
    acknowledged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: list[threading.Thread] = field(default_factory=list)
    # The most connections to the database seen at once (sampled), for the docs' sizing.
    peak_connections: int = 0

    def __enter__(self) -> Load:
        self.started = time.monotonic()
        for number in range(LOAD_THREADS):
            self.threads.append(threading.Thread(target=self._run, args=(number,)))
        self.threads.append(threading.Thread(target=self._count_connections))
        for thread in self.threads:
            thread.start()
        return self

    def _count_connections(self) -> None:
        name = self.database.rsplit("/", 1)[1]
        while not self.stop.wait(0.05):
            rows = pg_rows(
                self.database, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", name
            )
            # Less this sampling connection.
            self.peak_connections = max(self.peak_connections, int(str(rows[0][0])) - 1)

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        self.seconds = time.monotonic() - self.started
        assert not any(thread.is_alive() for thread in self.threads)

    def _run(self, thread: int) -> None:
        with html_client(self.url) as client:
            client.cookies.set("sessionid", self.cookie)
            for number in range(LOAD_LIMIT):
                if self.stop.is_set():
                    return
                outcome, text = self._one(client, f"load {thread}-{number}", number % 2 == 0)
                with self.lock:
                    self.requests += 1
                    if outcome:
                        self.failures.append(outcome)
                    elif text:
                        self.acknowledged.append(text)

    def _one(self, client: httpx.Client, text: str, get: bool) -> tuple[str, str]:
        try:
            if get:
                response = client.get("/todos")
                ok = response.status_code == 200 and "Signed in as" in response.text
                return ("" if ok else f"GET /todos: {response.status_code}"), ""
            response = client.post(
                "/todos?/create", data={"text": text}, headers={"Accept": "application/json"}
            )
            if response.status_code == 200 and response.json()["type"] == "success":
                return "", text
            return f"POST {text}: {response.status_code} {response.text[:100]}", ""
        except httpx.HTTPError as exc:
            return f"{'GET' if get else 'POST'} {text}: {exc!r}", ""

    def report(self, what: str) -> str:
        return (
            f"{what}: {self.requests} requests in {self.seconds:.1f} s from {LOAD_THREADS} "
            f"threads, {len(self.failures)} failed, {len(self.acknowledged)} todos acknowledged, "
            f"at most {self.peak_connections} database connections at once"
        )


def stored_todos(deployment: Deployment, email: str) -> set[str]:
    rows = pg_rows(
        deployment.database,
        "SELECT todos.text FROM todos JOIN users ON users.id = todos.user_id WHERE email = %s",
        email,
    )
    return {str(row[0]) for row in rows}


def page_token(client: httpx.Client) -> str:
    html = client.get("/todos").text
    found = re.search(r'<script type="application/json" id="kite-page">(.*?)</script>', html)
    assert found
    token: str = json.loads(found.group(1))["token"]
    assert token
    return token


def reuses_sealed_data(client: httpx.Client, token: str, marker: str) -> bool:
    """Whether a failed enhanced post re-rendered /todos from `token` (made before the todo
    `marker` was written) rather than running the loads, which would list `marker`."""
    response = client.post(
        "/todos?/create",
        data={"text": ""},
        headers={
            "Accept": "application/json",
            "x-sveltekit-action": "true",
            "x-kite-token": token,
        },
    )
    result: dict[str, Any] = response.json()
    assert result["type"] == "failure", result
    return marker not in result["kite"]["document"]


def add_todo_behind_the_apps_back(deployment: Deployment, email: str, text: str) -> None:
    pg_rows(
        deployment.database,
        "INSERT INTO todos (user_id, text, text_key, done, created_at) "
        "SELECT id, %s, %s, false, 0 FROM users WHERE email = %s",
        text,
        text.lower(),
        email,
    )


def roll(deployment: Deployment, **env: str) -> None:
    """Restart the instances one after the other with `env`, as a deploy does."""
    for instance in deployment.instances:
        instance.stop()
        server = instance.start(**env)
        # What the deploy script of docs/deployment.md asks before going on.
        health = server.client.get("/_kite/health")
        assert (health.status_code, health.text) == (200, "ok\n")
        deployment.wait_until_serving(instance)


# Four restarts of an instance of two workers: far from instant on a busy machine.
@pytest.mark.timeout(300)
def test_rolling_restarts_rotating_the_secret_under_load(deployment: Deployment) -> None:
    old = deployment.instances[0].env["KITE_SECRET"]
    new = secrets.token_urlsafe(32)
    # One account under load; another, with a short list, for the page state.
    with signed_in(deployment.url) as (client, email), signed_in(deployment.url) as states:
        viewer, viewer_email = states
        old_token = page_token(viewer)
        add_todo_behind_the_apps_back(deployment, viewer_email, "after the old token")
        assert reuses_sealed_data(viewer, old_token, "after the old token")
        with Load(deployment.url, client.cookies["sessionid"], deployment.database) as load:
            # Step 1: the new secret seals, the old one still opens.
            roll(deployment, KITE_SECRET=new, KITE_SECRET_FALLBACKS=old)
            for _ in range(4):  # whichever instance answers
                assert reuses_sealed_data(viewer, old_token, "after the old token")
            new_token = page_token(viewer)
            add_todo_behind_the_apps_back(deployment, viewer_email, "after the new token")
            # Step 2: the old secret is gone.
            roll(deployment, KITE_SECRET=new, KITE_SECRET_FALLBACKS="")
            for _ in range(4):
                assert reuses_sealed_data(viewer, new_token, "after the new token")
                assert not reuses_sealed_data(viewer, old_token, "after the old token")
        print("\n" + load.report("two rolling restarts (4 instance restarts) under load"))
        for failure in load.failures:
            print("  failed:", failure)
        # The bar (docs/reliability.md): no GET fails and no acknowledged write is lost. On a
        # heavily loaded machine one POST in 1,377 was once answered 502 by nginx, which never
        # retries a POST it has sent: not acknowledged, so nothing was lost; counted, printed.
        assert all(failure.startswith("POST") for failure in load.failures), load.failures
        assert len(load.failures) <= LOAD_THREADS, load.failures
        missing = set(load.acknowledged) - stored_todos(deployment, email)
        assert not missing, f"acknowledged but not stored: {sorted(missing)}"
        # The sessions made before the restarts still sign the users in.
        assert f"Signed in as <strong>{email}</strong>" in client.get("/todos").text
        assert f"Signed in as <strong>{viewer_email}</strong>" in viewer.get("/todos").text


@pytest.mark.timeout(300)
def test_sigkill_of_one_instance_mid_load(deployment: Deployment) -> None:
    victim = deployment.instances[1]
    with signed_in(deployment.url) as (client, email):
        since = len(deployment.nginx.access_log())
        with Load(deployment.url, client.cookies["sessionid"], deployment.database) as load:
            deployment.wait_until_serving(victim)
            victim.kill()
            # The other instance answers everything meanwhile.
            deployment.wait_until_serving(deployment.instances[0])
            victim.start()
            deployment.wait_until_serving(victim)
        retried = sum("," in upstreams for upstreams in deployment.answered_by(since))
        print(f"\n{load.report('SIGKILL of one instance under load')}, {retried} retried by nginx")
        for failure in load.failures:
            print("  failed:", failure)
        # Only what was in flight on the killed instance may fail: a POST it had received
        # (nginx does not retry those; a GET it retries). At most one per load thread.
        assert len(load.failures) <= LOAD_THREADS, load.failures
        assert all(failure.startswith("POST") for failure in load.failures), load.failures
        missing = set(load.acknowledged) - stored_todos(deployment, email)
        assert not missing, f"acknowledged but not stored: {sorted(missing)}"
        assert f"Signed in as <strong>{email}</strong>" in client.get("/todos").text
