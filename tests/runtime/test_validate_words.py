"""validate.js words the browser's checks as kite.forms.messages does: every text it can show
is one of the server's templates, so that a message does not change when the server answers."""

from __future__ import annotations

import re
from pathlib import Path

from kite.forms.messages import MESSAGES, SINGULAR

RUNTIME = Path(__file__).resolve().parents[2] / "src" / "kite" / "runtime" / "validate.js"


def _words() -> list[str]:
    source = RUNTIME.read_text(encoding="utf-8")
    start = source.index("const WORDS = {")
    table = source[start : source.index("};", start)]
    return re.findall(r"'([^']*[.)][^']*)'", table)


def test_every_browser_message_is_a_server_template() -> None:
    templates = {*MESSAGES.values(), *(text for _, text in SINGULAR.values())}
    server = {re.sub(r"\{\w+\}", "{}", text) for text in templates} | {"This value is not valid."}
    words = _words()
    assert len(words) >= 14
    assert [text for text in words if text not in server] == []
