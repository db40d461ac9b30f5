"""In production (`kite start`), a failure anywhere — load, action, endpoint, hook, template,
a limit, a malformed body — answers without a traceback, a file path of the app or of Kite,
an exception's text or a setting's value, in the body or the headers, for browsers and for
JSON clients alike. The same requests in dev do show the traceback: the check can fail."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from reliability.hostile_client import HOSTILE_APP, SENT, multipart
from support.servers import ServeApp, Server

import kite

SECRET = "hostile-fixture-secret-key-0123456789"
KITE_DIR = str(Path(kite.__file__).resolve().parent)
# Text that only a leak can put in a response.
FORBIDDEN = [
    "Traceback",
    'File "',
    SECRET,
    "fixture-secret",
    str(HOSTILE_APP.resolve()),
    KITE_DIR,
    "site-packages",
    ".py",
    "RuntimeError",
    "KeyError",
    "ValueError",
    "ZeroDivisionError",
    "JSONDecodeError",
    "Too many fields",  # the parser's own words stay in the log
]

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"accept": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}

# (name, method, target, headers, body, status): every way the hostile app fails.
FAILURES = [
    ("load", "GET", "/boom/load", {}, None, 500),
    ("hook", "GET", "/boom/hook", {}, None, 500),
    ("template", "GET", "/boom/template", {}, None, 500),
    ("endpoint", "GET", "/boom/endpoint", {}, None, 500),
    ("action", "POST", "/boom/action?/explode", FORM, b"x=1", 500),
    ("redirect refused", "GET", "/go?redirectTo=//evil.example", {}, None, 500),
    ("no route", "GET", "/nope/../../kite.toml", {}, None, 404),
    ("no action", "POST", "/form?/nope", FORM, b"x=1", 404),
    ("no actions", "POST", "/", FORM, b"x=1", 405),
    ("body limit", "POST", "/form?/login", FORM, b"name=" + b"x" * 3000, 413),
    ("not a form", "POST", "/form?/login", {"content-type": "application/xml"}, b"<a/>", 415),
    ("field limit", "POST", "/boom/limits", FORM, b"&".join([b"a=1"] * 201), 400),
    (
        "broken multipart",
        "POST",
        "/form?/upload",
        {"content-type": "multipart/form-data; boundary=B"},
        multipart([(b'Content-Disposition: form-data; name="file"', b"x")])[:-9],
        400,
    ),
    ("malformed JSON", "POST", "/api", {"content-type": "application/json"}, b"{nope", 400),
    (
        "unusable render form",
        "POST",
        "/form",
        {"content-type": "application/json", "x-kite-render": "1"},
        b'{"form": "[[0]]"}',
        400,
    ),
]


def request(server: Server, case: tuple[object, ...], accept: dict[str, str]) -> httpx.Response:
    _, method, target, headers, body, _ = case
    assert isinstance(headers, dict)
    all_headers = {"origin": server.url, **headers, **accept}
    SENT["failure"] += 1
    return server.client.request(
        str(method),
        str(target),
        headers=all_headers,
        content=body,
        timeout=20,  # type: ignore[arg-type]
    )


def leaks(response: httpx.Response) -> list[str]:
    text = response.text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return [fragment for fragment in FORBIDDEN if fragment in text]


@pytest.fixture(scope="module")
def production(served_app: ServeApp) -> Server:
    return served_app(HOSTILE_APP, env={"BODY_SIZE_LIMIT": "2K"})


@pytest.mark.parametrize("accept", [BROWSER, JSON], ids=["browser", "json"])
@pytest.mark.parametrize("case", FAILURES, ids=[case[0] for case in FAILURES])
def test_production_answers_leak_nothing(
    production: Server, case: tuple[object, ...], accept: dict[str, str]
) -> None:
    response = request(production, case, accept)
    assert response.status_code == case[5], response.text[:300]
    assert leaks(response) == []
    assert response.content.strip(), "an error without a message"


def test_the_log_keeps_the_details(production: Server) -> None:
    request(production, FAILURES[0], BROWSER)
    log = production.log()
    assert "Traceback" in log and "RuntimeError" in log and "boom/load" in log


def test_dev_shows_what_production_hides(served_app: ServeApp) -> None:
    """The same failures in `kite dev` show the traceback: what the checks above look for is
    really there to be found."""
    dev = served_app(HOSTILE_APP, dev=True)
    for case in FAILURES[:5]:
        response = request(dev, case, BROWSER)
        assert response.status_code == 500
        assert "Traceback" in leaks(response), case[0]
