"""A gate that the test opens: requests that reach it wait until a file appears.

SLOW_GATE names a folder. Each waiting request leaves `<id>.started` there, so that the test
knows it is inside the server; the test then creates `open`. A request that waits longer
than MAX_WAIT seconds gives up with 504, so that a broken test cannot hang the server.
"""

import asyncio
import os
import uuid
from pathlib import Path

MAX_WAIT = 30.0
POLL = 0.02


async def wait_at_gate() -> bool:
    """True once the gate is open; False after MAX_WAIT seconds."""
    folder = Path(os.environ["SLOW_GATE"])
    (folder / f"{uuid.uuid4().hex}.started").touch()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_WAIT
    while not (folder / "open").exists():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(POLL)
    return True


def record(line: str) -> None:
    with (Path(os.environ["SLOW_GATE"]) / "writes.txt").open("a", encoding="utf-8") as log:
        log.write(line + "\n")
