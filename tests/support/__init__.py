"""Helpers shared by the test suite (imported as `support`, see tests/conftest.py)."""

from pathlib import Path

# Fixture apps live in tests/apps/<name>/; ruff skips them (see pyproject).
APPS = Path(__file__).resolve().parent.parent / "apps"
