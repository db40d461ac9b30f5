"""Where things are. Everything the harness makes goes under bench/.cache (gitignored)."""

from __future__ import annotations

from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
APPS = BENCH / "apps"
SEED = APPS / "seed.json"
CACHE = BENCH / ".cache"
LOGS = CACHE / "logs"
SCRIPTS = CACHE / "wrk"
RESULTS = BENCH / "RESULTS.md"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
