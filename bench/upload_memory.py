"""Upload-size scaling: the server's peak memory while it receives a multipart upload of
10 MiB, 100 MiB and 1 GiB, to show that it stays flat in the size of the upload.

    .venv/bin/python bench/upload_memory.py [--sizes 10M,100M,1G] [--repeat 1]

For each size, a fresh `kite start` (one worker, 127.0.0.1, a free port) serves a tiny app
written to a temporary folder: one page, /upload, whose action takes a file under
`@limits(body="2G")` and reads it in 1 MiB chunks, counting its bytes and hashing them
(SHA-256). The client sends the body from a generator (httpx), never holding it: the file's
part, then two fields with the size and hash of what it sent. The action compares them with
what it read and fails with 400 if they differ; the client checks the page it gets back too.

The server's peak RSS is VmHWM in /proc/<pid>/status, summed over the server and any
processes it started. After a warm-up upload of 4 MiB (the route, the form parser and a
spooled file used once) the peak is reset to the present RSS (`5` written to
/proc/<pid>/clear_refs), so that a peak of start-up cannot hide the upload's; it is read then
("before") and again after the measured upload. The server's TMPDIR is a folder of its
own: halfway through the upload the script checks that the server holds a file open in it
(the upload spools to disk), and after the answer that it holds none and that the folder is
empty (the spooled file was closed and is gone).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

MIB = 1024 * 1024
CHUNK = MIB
BOUNDARY = "kite-upload-memory-boundary"
SIZES = {"K": 1024, "M": MIB, "G": 1024 * MIB}

SHELL = "<!doctype html><html><head>%kite.head%</head><body>%kite.body%</body></html>\n"
PAGE = """<p id="result">{% if form %}{{ form.size }} {{ form.sha256 }}{% endif %}</p>
<p id="error">{% if form and form.error %}{{ form.error }}{% endif %}</p>
"""
ACTION = '''"""An action that takes uploads up to 2 GiB and checks each arrived whole."""

import hashlib

from starlette.datastructures import UploadFile

from kite import fail, limits


@limits(body="2G")
async def upload(event):
    form = await event.request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile):
        return fail(400, {"error": "no file"})
    digest = hashlib.sha256()
    size = 0
    while chunk := await file.read(1024 * 1024):
        size += len(chunk)
        digest.update(chunk)
    if str(size) != form.get("size") or digest.hexdigest() != form.get("sha256"):
        return fail(400, {"error": f"received {size} bytes, sha256 {digest.hexdigest()}"})
    return {"size": size, "sha256": digest.hexdigest()}


actions = {"upload": upload}
'''


def write_app(root: Path) -> Path:
    folder = root / "src" / "routes" / "upload"
    folder.mkdir(parents=True)
    (root / "src" / "app.html").write_text(SHELL)
    (folder / "+page.server.py").write_text(ACTION)
    (folder / "+page.html").write_text(PAGE)
    return root


def parse_size(text: str) -> int:
    text = text.strip().upper()
    if text[-1] in SIZES:
        return int(text[:-1]) * SIZES[text[-1]]
    return int(text)


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    spool: Path
    log: Path

    def pids(self) -> list[int]:
        """The server and every process under it (workers, if any)."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                children = (task / "children").read_text().split()
                todo.extend(int(child) for child in children)
        return found

    def reset_peak(self) -> None:
        """Bring VmHWM down to the present RSS (Linux: "5" to clear_refs), so that the peak
        read after the upload is the upload's, not start-up's."""
        for pid in self.pids():
            Path(f"/proc/{pid}/clear_refs").write_text("5")

    def peak_rss(self) -> int:
        """VmHWM summed over the server's processes, in bytes."""
        total = 0
        for pid in self.pids():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"^VmHWM:\s+(\d+) kB$", status, re.MULTILINE)
            total += int(match.group(1)) * 1024 if match else 0
        return total

    def spooled(self) -> list[str]:
        """The files the server holds open in its TMPDIR (deleted ones included)."""
        open_files = []
        for pid in self.pids():
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:  # closed meanwhile
                    continue
                if target.startswith(str(self.spool) + os.sep):
                    open_files.append(target)
        return open_files

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(app: Path, folder: Path) -> Server:
    port = free_port()
    spool = folder / "spool"
    spool.mkdir()
    log = folder / "server.log"
    command = [sys.executable, "-m", "kite", "start", str(app)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    env = {**os.environ, "TMPDIR": str(spool), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    server = Server(process, f"http://127.0.0.1:{port}", spool, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"kite start exited:\n{log.read_text()}")
        try:
            httpx.get(f"{server.url}/upload", trust_env=False, timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise SystemExit(f"kite start did not answer within 30 s:\n{log.read_text()}")


# --- the client --------------------------------------------------------------------------


@dataclass
class Upload:
    size: int
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    spooled_midway: list[str] = field(default_factory=list)


def body(upload: Upload, server: Server) -> Iterator[bytes]:
    """The multipart body, a chunk at a time: the file, then its size and hash."""
    yield (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    # Not one byte value repeated: a pattern the server's hash must agree with.
    block = bytes(range(256)) * (CHUNK // 256)
    chunks = upload.size // CHUNK
    for index in range(chunks):
        if index == chunks // 2:
            # The server has had half the file: it must be in a file in TMPDIR by now.
            upload.spooled_midway = server.spooled()
        chunk = block[index % 256 :] + block[: index % 256]
        upload.digest.update(chunk)
        yield chunk
    for name, value in (("size", str(upload.size)), ("sha256", upload.digest.hexdigest())):
        yield (
            f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}'
        ).encode()
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def send(server: Server, size: int) -> tuple[Upload, float]:
    """Upload `size` bytes; the seconds it took. Stops the script on a wrong answer."""
    upload = Upload(size)
    started = time.perf_counter()
    response = httpx.post(
        f"{server.url}/upload?/upload",
        content=body(upload, server),
        headers={
            "origin": server.url,
            "accept": "text/html",
            "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        },
        trust_env=False,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    expected = f'<p id="result">{size} {upload.digest.hexdigest()}</p>'
    if response.status_code != 200 or expected not in response.text:
        raise SystemExit(f"{size} bytes: {response.status_code}\n{response.text[:2000]}")
    return upload, seconds


def measure(size: int) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory(prefix="kite-upload-") as name:
        folder = Path(name)
        server = start(write_app(folder / "app"), folder)
        try:
            send(server, 4 * MIB)  # warm up
            server.reset_peak()
            before = server.peak_rss()
            upload, seconds = send(server, size)
            after = server.peak_rss()
            time.sleep(0.2)  # the answer is sent before the form's files are closed
            left_open, left = server.spooled(), list(server.spool.iterdir())
        finally:
            server.stop()
    if not upload.spooled_midway:
        raise SystemExit(f"{size} bytes: nothing spooled in TMPDIR halfway through")
    if left_open or left:
        raise SystemExit(f"{size} bytes: left in TMPDIR: {left_open or left}")
    return {
        "size": f"{size / MIB:,.0f} MiB",
        "seconds": seconds,
        "before": before / MIB,
        "after": after / MIB,
        "growth": (after - before) / MIB,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10M,100M,1G", help="K/M/G are powers of 1024")
    parser.add_argument("--repeat", type=int, default=1, help="uploads of each size (1)")
    arguments = parser.parse_args()
    sizes = [parse_size(text) for text in arguments.sizes.split(",")]
    print("Server RSS, then peak RSS (VmHWM), one `kite start` worker, a fresh server per upload")
    print("| upload | time s | MiB/s | RSS before MiB | peak during MiB | growth MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for _ in range(arguments.repeat):
            row = measure(size)
            rate = size / MIB / float(row["seconds"])
            print(
                f"| {row['size']} | {row['seconds']:.1f} | {rate:.0f} | {row['before']:.1f} "
                f"| {row['after']:.1f} | {row['growth']:.1f} |",
                flush=True,
            )
    client = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nThe client's own peak RSS: {client:.0f} MiB (the body is generated, never held).")
    print("Every upload: spooled to a file in the server's TMPDIR halfway through; after the")
    print("answer, no file of TMPDIR left open by the server and the folder empty.")


if __name__ == "__main__":
    main()
