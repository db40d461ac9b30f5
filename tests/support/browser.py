"""Where Chromium is and how it is launched.

Debian's chromium package, never `playwright install`: browser downloads are impossible here.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
MISSING_MESSAGE = f"{CHROMIUM} is missing: run scripts/install-chromium"

LAUNCH_ARGS = [
    # Root in a container has no usable sandbox.
    "--no-sandbox",
    "--disable-gpu",
    # There is no network but loopback: keep Chromium from trying (and from waiting on it).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_version() -> str | None:
    if not CHROMIUM.exists():
        return None
    try:
        # Debian's wrapper script prints shell noise on stderr; only stdout is the version.
        result = subprocess.run(
            [str(CHROMIUM), "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None
