"""Shared by the tests of examples/auth-todos: where the app is, clients that behave like a
browser without JavaScript, and small image files."""

from __future__ import annotations

import contextlib
import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page

APP = Path(__file__).resolve().parents[2] / "examples" / "auth-todos"
PASSWORD = "correct horse battery staple"


def sqlite_env(path: Path) -> dict[str, str]:
    # sqlite:/// + an absolute path: four slashes, as in SQLAlchemy's URLs.
    return {"DATABASE_URL": f"sqlite:///{path}"}


def unique_email(name: str = "user") -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.com"


def html_client(url: str) -> httpx.Client:
    """A client that posts forms the way a browser without JavaScript does: with Origin
    (Kite refuses cross-site form posts), asking for HTML, not following redirects."""
    return httpx.Client(
        base_url=url,
        headers={"Origin": url, "Accept": "text/html"},
        follow_redirects=False,
        trust_env=False,
        timeout=30,
    )


def register(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    """Registering without JavaScript: the page the browser shows after the 303 (the POST's
    own answer, with the session's Set-Cookie, is `response.history[0]`)."""
    return submit(client, "/login?/register", {"email": email, "password": password})


def log_in(
    client: httpx.Client, email: str, password: str = PASSWORD, query: str = ""
) -> httpx.Response:
    """Logging in without JavaScript, as `register`: the page shown after the 303."""
    return submit(client, f"/login?/login{query}", {"email": email, "password": password})


def post_button(client: httpx.Client, url: str) -> httpx.Response:
    """What a browser sends for a form whose only field is its button: an empty body; then,
    as `submit`, the page its 303 leads back to."""
    response = client.post(
        url, content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    return follow_back(client, url, response)


def set_cookies(response: httpx.Response) -> list[str]:
    """Every Set-Cookie the browser received on the way to this page: on the POST's 303
    (where the action's cookies arrive) and on the page itself."""
    return [
        header
        for step in [*response.history, response]
        for header in step.headers.get_list("set-cookie")
    ]


def session_cookies(response: httpx.Response) -> list[str]:
    """The Set-Cookie headers of the session cookie among `set_cookies(response)`."""
    return [header for header in set_cookies(response) if header.startswith("sessionid=")]


@contextlib.contextmanager
def signed_in(url: str, name: str = "user") -> Iterator[tuple[httpx.Client, str]]:
    """A new client with a new account, signed in; closed at the end of the block."""
    with html_client(url) as client:
        email = unique_email(name)
        response = register(client, email)
        assert response.status_code == 200, response.text
        assert response.history, "no post/redirect/get"
        assert "sessionid" in client.cookies
        yield client, email


def png(width: int = 1, height: int = 1) -> bytes:
    """A real PNG (one grey pixel by default), small enough to embed in a test."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# The first bytes of each format the app takes; the rest does not matter to the check.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L" + b"\x00" * 32


def sign_in_browser(page: Page, url: str) -> str:
    """An account made over HTTP, its session cookie handed to the browser's page."""
    email = unique_email()
    with html_client(url) as client:
        assert register(client, email).status_code == 200
        token = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": token, "url": url}])
    return email


def submit(client: httpx.Client, url: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
    """A form posted the way a browser without JavaScript does, to a page that answers with
    post/redirect/get (every page of the demo): the POST, then the GET its 303 leads back
    to — the page the browser shows, with the POST's answer in `history`, as httpx reports a
    followed redirect. Any other answer (an error, JSON, a redirect elsewhere) is returned as
    it is."""
    return follow_back(client, url, client.post(url, data=data, **kwargs))


def follow_back(client: httpx.Client, url: str, response: httpx.Response) -> httpx.Response:
    """The page a 303 from the POST to `url` leads back to (post/redirect/get), with the
    POST's answer in `history`; any other answer as it is."""
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.split("?")[0] == url.split("?")[0]:
        page = client.get(location)
        page.history = [response]
        return page
    return response
