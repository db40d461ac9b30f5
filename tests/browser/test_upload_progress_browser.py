"""Upload progress for enhanced multipart submissions (upload.js), in Chromium with a
throttled upload, against tests/apps/live_validation's /upload page: the
`<progress data-kite-progress>` rises to 100 % and the action gets the whole file;
`[data-kite-cancel]` aborts the upload and the action never runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import open_page
from support.servers import ServeApp, Server

APP = APPS / "live_validation"
SIZE = 50 * 1024 * 1024

# Every `kite:progress` event's detail, and the bar's aria-valuenow at each (window.seen).
RECORD = """() => {
  window.seen = [];
  document.getElementById('upload').addEventListener('kite:progress', (event) => {
    const bar = document.querySelector('[data-kite-progress]');
    const percent = Number(bar.getAttribute('aria-valuenow'));
    window.seen.push([event.detail.loaded, event.detail.total, percent]);
  });
}"""


@pytest.fixture
def app(serve_app: ServeApp) -> Server:
    return serve_app(APP)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "big.bin"
    with path.open("wb") as file:
        file.truncate(SIZE)
    return path


def throttle(page: Page, bytes_per_second: int) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def spool_files(pid: int, spool_dir: Path) -> dict[str, int]:
    """The files under `spool_dir` that process `pid` or a process it started holds open,
    by /proc fd path, with their sizes now. Python's temporary files on Linux are unnamed
    (O_TMPFILE), so /proc shows them as `<dir>/#<inode> (deleted)`; their size is read
    through the fd itself."""
    found: dict[str, int] = {}
    pids = [pid]
    while pids:
        current = pids.pop()
        proc = Path("/proc") / str(current)
        try:
            for task in (proc / "task").iterdir():
                pids += [int(child) for child in (task / "children").read_text().split()]
            fds = list((proc / "fd").iterdir())
        except FileNotFoundError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
                if target.startswith(f"{spool_dir}/"):
                    found[str(fd)] = os.stat(fd).st_size
            except FileNotFoundError:
                continue  # closed meanwhile
    return found


def counts(app: Server) -> dict[str, int]:
    result: dict[str, int] = app.client.get("/counts").json()
    return result


def test_progress_rises_to_100_and_the_action_gets_the_whole_file(
    js_page: Page, app: Server, big_file: Path
) -> None:
    open_page(js_page, app.url + "/upload")
    js_page.evaluate(RECORD)
    throttle(js_page, 25 * 1024 * 1024)
    js_page.set_input_files("#file", big_file)
    js_page.get_by_role("button", name="Upload", exact=True).click()
    expect(js_page.locator("#received")).to_have_text(f"Received {SIZE} bytes", timeout=60_000)
    seen = js_page.evaluate("window.seen")
    loaded = [entry[0] for entry in seen]
    assert loaded == sorted(loaded)
    assert len({value for value in loaded if 0 < value < seen[-1][1]}) >= 2, seen
    assert seen[-1][0] == seen[-1][1] >= SIZE
    percents = [entry[2] for entry in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    # (The update then swaps in the page as the server renders it, the bar included.)
    assert counts(app)["action"] == 1


def test_cancel_aborts_the_upload_and_the_action_never_runs(
    js_page: Page, app: Server, big_file: Path
) -> None:
    open_page(js_page, app.url + "/upload")
    throttle(js_page, 5 * 1024 * 1024)
    js_page.set_input_files("#file", big_file)
    js_page.get_by_role("button", name="Upload", exact=True).click()
    js_page.wait_for_function(
        "() => Number(document.querySelector('[data-kite-progress]')"
        ".getAttribute('aria-valuenow')) >= 10"
    )
    js_page.get_by_role("button", name="Cancel").click()
    expect(js_page.locator("form#upload")).not_to_have_attribute("aria-busy", "true")
    now = int(js_page.locator("[data-kite-progress]").get_attribute("aria-valuenow") or "0")
    assert now < 100
    expect(js_page.locator("#received")).to_have_count(0)
    # A later, small upload goes through: the server is fine, and counts one action only.
    js_page.set_input_files(
        "#file", files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"abc"}]
    )
    js_page.get_by_role("button", name="Upload", exact=True).click()
    expect(js_page.locator("#received")).to_have_text("Received 3 bytes")
    assert counts(app)["action"] == 1
    # A cancelled upload is no error of the app's.
    assert "Unexpected error" not in app.log()


def test_cancel_closes_the_spooled_file_on_the_server(
    js_page: Page, serve_app: ServeApp, big_file: Path, tmp_path: Path
) -> None:
    # The server's own temporary directory: whatever it holds open there is its spooling.
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    app = serve_app(APP, env={"TMPDIR": str(spool_dir)})
    pid = app.process.pid
    assert spool_files(pid, spool_dir) == {}
    open_page(js_page, app.url + "/upload")
    throttle(js_page, 5 * 1024 * 1024)
    js_page.set_input_files("#file", big_file)
    js_page.get_by_role("button", name="Upload", exact=True).click()
    # Starlette spools a part in memory up to 1 MB, then rolls it to an unnamed file on
    # disk: wait until that file holds over 2 MB, and see it grow.
    sizes: list[int] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (len(sizes) < 2 or sizes[-1] <= sizes[0]):
        held = spool_files(pid, spool_dir)
        if held and max(held.values()) >= 2 * 1024 * 1024:
            sizes.append(max(held.values()))
        time.sleep(0.2)
    assert len(sizes) >= 2 and sizes[-1] > sizes[0], (sizes, app.log_tail())
    assert sizes[-1] < SIZE
    js_page.get_by_role("button", name="Cancel").click()
    expect(js_page.locator("form#upload")).not_to_have_attribute("aria-busy", "true")
    # The server closes the spooled file once it sees the client go (the fd is gone, so the
    # disk space of the unnamed file is released): a bounded wait, not a timing assertion.
    deadline = time.monotonic() + 10
    while (held := spool_files(pid, spool_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert held == {}, (held, app.log_tail())
    assert list(spool_dir.iterdir()) == []
    assert counts(app)["action"] == 0
