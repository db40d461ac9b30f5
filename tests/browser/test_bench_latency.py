"""bench/latency.py runs: one iteration against Kite only (no SvelteKit, no Node.js), into a
copy of a results file whose hand-written part and earlier latency section it must respect.
The numbers themselves are not checked (no timing assertions); the request counts are what
the runtime sends, so only their presence is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.browser import CHROMIUM, MISSING_MESSAGE

ROOT = Path(__file__).resolve().parents[2]
KEEP = "<!-- Written by hand below this line: bench/run keeps it. -->"
BEGIN, END = "<!-- latency: begin (bench/latency.py) -->", "<!-- latency: end -->"
STEPS = [
    "first wrong password after the page loaded",
    "second wrong password",
    "third wrong password",
    "right password (success)",
    "todo toggle",
    "custom `enhance` callback",
    "action that redirects",
]


@pytest.mark.browser
def test_the_latency_bench_runs_against_kite(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(MISSING_MESSAGE)
    results = tmp_path / "RESULTS.md"
    earlier = f"{BEGIN}\n| an old table |\n{END}\n"
    results.write_text(f"# Benchmark results\n\n{KEEP}\n\n{earlier}\n## By hand\n\nkept\n")
    command = [sys.executable, "bench/latency.py", "--only", "kite", "--iterations", "1"]
    run = subprocess.run(
        [*command, "--output", str(results)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    text = results.read_text()
    assert text.startswith(f"# Benchmark results\n\n{KEEP}\n\n{BEGIN}\n")
    assert text.endswith(f"{END}\n\n## By hand\n\nkept\n")
    assert "an old table" not in text
    assert text.count(BEGIN) == 1
    assert "| step | Kite: ms, requests |" in text
    for step in STEPS:
        assert re.search(
            rf"^\| {re.escape(step)} \| \d+ ms, \d+( \(\+\d+ cached\))? \|$", text, re.M
        ), (
            step,
            text,
        )
