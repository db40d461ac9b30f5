"""Memory stays bounded under a big batch of hostile requests: the server's resident set size
(VmRSS in /proc/<pid>/status) after the batch is within RSS_GROWTH_LIMIT of what it was after
a warm-up, which a leak per request or a body kept in memory would break.

KITE_FUZZ_ROUNDS sets the number of rounds (DEFAULT_ROUNDS; each round is 8 large and 8 small
requests), for a longer run."""

from __future__ import annotations

import json
import os
import random

import pytest
from reliability.hostile_client import (
    HOSTILE_APP,
    NOTES,
    check,
    multipart,
    rss_kib,
    send,
    still_alive,
)
from support.servers import ServeApp, Server

DEFAULT_ROUNDS = 100
RSS_GROWTH_LIMIT_KIB = 100 * 1024
FORM = "application/x-www-form-urlencoded"
FIELD = b'Content-Disposition: form-data; name="tag"'
FILE = b'Content-Disposition: form-data; name="file"; filename="big.bin"'


def rounds() -> int:
    value = os.environ.get("KITE_FUZZ_ROUNDS", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_ROUNDS


def large_requests(server: Server) -> list[tuple[str, str, dict[str, str], bytes | None]]:
    multipart_type = "multipart/form-data; boundary=B"
    render = {"content-type": "application/json", "x-kite-render": "1", "accept": "text/html"}
    return [
        ("POST", "/boom/limits", {"content-type": FORM}, b"&".join([b"f=v"] * 100_000)),
        ("POST", "/form?/login", {"content-type": FORM}, b"k" * 1_000_000 + b"=v"),
        (
            "POST",
            "/form?/tags",
            {"content-type": multipart_type},
            multipart([(FIELD, b"1")] * 3000),
        ),
        (
            "POST",
            "/form?/upload",
            {"content-type": multipart_type},
            multipart([(FILE, os.urandom(3_000_000))]),
        ),
        ("POST", "/form?/upload", {"content-type": multipart_type}, b"--B\r\n" * 200_000),
        ("POST", "/form", render, b'{"form": "[' + b"1," * 200_000 + b'1]"}'),
        ("POST", "/api", {"content-type": "application/json"}, b"[" * 200_000),
        ("GET", "/form", {"cookie": "; ".join(f"c{i}={i}" for i in range(4000))}, None),
    ]


def small_request(rng: random.Random) -> tuple[str, str, dict[str, str], bytes | None]:
    choices: list[tuple[str, str, dict[str, str], bytes | None]] = [
        ("GET", "/?" + "&".join(f"q{i}=1" for i in range(rng.randint(0, 50))), {}, None),
        ("POST", "/form?/login", {"content-type": FORM, "accept": "application/json"}, b"name=x"),
        ("POST", "/form?/" + str(rng.random()), {"content-type": FORM}, b"name=x"),
        ("GET", "/form", {"cookie": f"theme={rng.random()}"}, None),
        ("GET", "/api?q=" + "x" * rng.randint(0, 5000), {"accept": "application/json"}, None),
        (
            "POST",
            "/form",
            {"content-type": "application/json", "x-kite-render": "1"},
            json.dumps({"form": json.dumps([{"a": 1}, rng.random()])}).encode(),
        ),
        ("GET", "/nope/" + str(rng.random()), {}, None),
        (
            "POST",
            "/api",
            {"content-type": "application/json"},
            b"{" + os.urandom(20).hex().encode(),
        ),
    ]
    return rng.choice(choices)


def batch(server: Server, count: int, rng: random.Random) -> None:
    large = large_requests(server)
    for _ in range(count):
        for method, target, headers, body in large + [small_request(rng) for _ in range(8)]:
            all_headers = {"origin": server.url} | headers
            send(server, "memory batch", method, target, headers=all_headers, content=body)


def test_rss_stays_bounded(serve_app: ServeApp) -> None:
    if not os.path.exists("/proc/self/status"):
        pytest.skip("reading a process's RSS needs Linux's /proc")
    server = serve_app(HOSTILE_APP, env={"BODY_SIZE_LIMIT": "4M"}, extra_args=["--no-access-log"])
    rng = random.Random(9)
    batch(server, 5, rng)  # warm-up: imports, caches, the allocator's first arenas
    before = rss_kib(server.process.pid)
    total = rounds()
    batch(server, total, rng)
    after = rss_kib(server.process.pid)
    still_alive(server)
    check(server.client.get("/form"))
    NOTES.append(
        f"server RSS {before / 1024:.1f} MiB after warm-up, {after / 1024:.1f} MiB after "
        f"{total * 16} requests of the memory batch (growth {(after - before) / 1024:+.1f} MiB)"
    )
    assert after - before < RSS_GROWTH_LIMIT_KIB, (before, after)
