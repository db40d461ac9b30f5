"""Pydantic patterns rewritten for the browser's `pattern` attribute (kite.forms.patterns);
tests/browser/test_patterns_browser.py checks the same table in Chromium."""

import re

import pytest
from support.patterns import PATTERNS

from kite.forms.patterns import browser_pattern


@pytest.mark.parametrize(("pattern", "expected", "values"), PATTERNS)
def test_browser_pattern(pattern: str, expected: str | None, values: list[str]) -> None:
    assert browser_pattern(pattern) == expected


def test_compiled_patterns_without_flags_only() -> None:
    assert browser_pattern(re.compile(r"^[a-z]+$")) == "[a-z]+"
    assert browser_pattern(re.compile(r"^[a-z]+$", re.IGNORECASE)) is None
    assert browser_pattern(re.compile(rb"^[a-z]+$")) is None
    assert browser_pattern("") is None


@pytest.mark.parametrize(
    "pattern", ["(", ")", "[a", "a**", "*a", "\\", "[z-a]", "a{3,2}", r"\x4", r"\N{NOPE}", r"\q"]
)
def test_broken_patterns_give_none(pattern: str) -> None:
    assert browser_pattern(pattern) is None
