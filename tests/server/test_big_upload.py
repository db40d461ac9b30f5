"""A 1 GiB upload to an action that allows it (tests/apps/limits, @limits(body="2G")) keeps
the server's memory flat: the file spools to disk past Starlette's threshold, and nothing
holds the body. The body is made by a generator on this side too, never held whole."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

GIB = 1024**3
CHUNK = 1024 * 1024
BOUNDARY = "kite-big-upload-boundary"
# Peak RSS may grow by less than this while the upload is received and read.
MAX_GROWTH = 50 * 1024 * 1024


def _peak_rss(pid: int) -> int:
    """VmHWM: the most resident memory the process has had, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB$", status, re.MULTILINE)
    assert match is not None, status
    return int(match.group(1)) * 1024


def _multipart(size: int, digest: hashlib._Hash) -> Iterator[bytes]:
    yield (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    # Not all one byte value: a pattern the server's sha256 must agree with.
    block = bytes(range(256)) * (CHUNK // 256)
    for index in range(size // CHUNK):
        chunk = block[index % 256 :] + block[: index % 256]
        digest.update(chunk)
        yield chunk
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def _upload(server: Server, size: int) -> httpx.Response:
    digest = hashlib.sha256()
    with httpx.Client(base_url=server.url, trust_env=False, timeout=300) as client:
        response = client.post(
            "/upload?/upload",
            content=_multipart(size, digest),
            headers={
                "origin": server.url,
                "accept": "application/json",
                "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert '"size":1,"sha256":2' in data or str(size) in data, data
    assert digest.hexdigest() in data
    return response


@pytest.mark.timeout(600)
def test_a_1_gib_upload_keeps_memory_flat(serve_app: ServeApp) -> None:
    server = serve_app(APPS / "limits")
    # Warm up: the route, the form parser and a spooled file have been used once.
    _upload(server, 4 * CHUNK)
    before = _peak_rss(server.process.pid)
    _upload(server, GIB)
    growth = _peak_rss(server.process.pid) - before
    print(f"peak RSS {before / 2**20:.1f} MiB, grew by {growth / 2**20:.1f} MiB")
    assert growth < MAX_GROWTH, f"peak RSS grew by {growth / 2**20:.1f} MiB"


def test_the_same_upload_over_the_app_limit_is_refused(serve_app: ServeApp) -> None:
    # The same 1 GiB generator to an action under the page's 4K: refused at the start.
    server = serve_app(APPS / "limits")
    with httpx.Client(base_url=server.url, trust_env=False, timeout=60) as client:
        response = client.post(
            "/sizes?/page_limit",
            content=_multipart(GIB, hashlib.sha256()),
            headers={
                "origin": server.url,
                "accept": "application/json",
                "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )
    assert response.status_code == 413
