"""Body size limits and malformed bodies over real HTTP (contract §8; scenarios U5, N11)."""

import socket

import pytest
from support import APPS
from support.servers import ServeApp, Server

NATIVE = "text/html"


@pytest.fixture
def small(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions", env={"BODY_SIZE_LIMIT": "1K"})


def test_declared_length_over_the_limit_is_413_before_the_action(small: Server) -> None:
    response = small.client.post(
        "/actions/enhance?/login",
        data={"username": "x" * 2000},
        headers={"origin": small.url, "accept": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "type": "error",
        "location": "/actions/enhance",
        "error": {
            "message": "Content-length of 2009 exceeds limit of 1024 bytes. "
            "(413 Payload Too Large)",
            "status": 413,
        },
    }


def test_chunked_body_over_the_limit_is_413(small: Server) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"username=" + b"x" * 100 + b"&"

    response = small.client.post(
        "/actions/enhance?/login",
        content=chunks(),
        headers={
            "origin": small.url,
            "content-type": "application/x-www-form-urlencoded",
            "accept": "application/json",
        },
    )
    assert response.status_code == 413
    assert (
        "request body size exceeded BODY_SIZE_LIMIT of 1024" in response.json()["error"]["message"]
    )


def test_multipart_upload_over_the_limit_renders_the_413_error_page(small: Server) -> None:
    response = small.client.post(
        "/actions/enhance?/send_file",
        files={"file": ("big.bin", b"x" * 5000, "application/octet-stream")},
        headers={"origin": small.url, "accept": NATIVE},
    )
    assert response.status_code == 413
    assert "<h1>413</h1>" in response.text


def test_body_within_the_limit_is_fine(small: Server) -> None:
    response = small.client.post(
        "/actions/enhance?/login", data={"username": "ok"}, headers={"origin": small.url}
    )
    assert response.status_code == 200


def test_infinity_means_no_limit(served_app: ServeApp) -> None:
    server = served_app(APPS / "actions", env={"BODY_SIZE_LIMIT": "Infinity"})
    response = server.client.post(
        "/actions/enhance?/login", data={"username": "x" * 700_000}, headers={"origin": server.url}
    )
    assert response.status_code == 200


def test_default_limit_is_512k(served_app: ServeApp) -> None:
    server = served_app(APPS / "actions")
    response = server.client.post(
        "/actions/enhance?/login", data={"username": "x" * 600_000}, headers={"origin": server.url}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
        ("multipart/form-data", b"no boundary at all"),
        (
            "multipart/form-data; boundary=xyz",
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xyz--\r\n",
        ),
    ],
)
def test_malformed_multipart_is_400(small: Server, content_type: str, body: bytes) -> None:
    response = small.client.post(
        "/actions/enhance?/login",
        content=body,
        headers={"origin": small.url, "content-type": content_type, "accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Malformed form data")


def test_too_many_fields_is_400(served_app: ServeApp) -> None:
    server = served_app(APPS / "actions")
    body = "&".join(f"f{i}=v" for i in range(1500)).encode()
    response = server.client.post(
        "/actions/enhance?/login",
        content=body,
        headers={"origin": server.url, "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "Too many fields" in response.json()["error"]["message"]


def test_body_longer_than_content_length_does_not_reach_the_action(small: Server) -> None:
    # The server reads exactly Content-Length bytes; the rest is a (bad) next request.
    with socket.create_connection(("127.0.0.1", small.port), timeout=5) as sock:
        sock.sendall(
            f"POST /actions/enhance?/login HTTP/1.1\r\nHost: 127.0.0.1:{small.port}\r\n".encode()
            + f"Origin: {small.url}\r\n".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\n"
            b"Connection: close\r\n\r\nusername=way-too-long"
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    # An older uvicorn (0.30, for one) refuses the whole connection instead: 400, nothing run.
    if received.startswith(b"HTTP/1.1 400 Bad Request"):
        assert received.endswith(b"Invalid HTTP request received.")
        return
    assert received.startswith(b"HTTP/1.1 200")
    assert b'\\"user\\"' in received or b'\\"us\\"' in received or b"us" in received
