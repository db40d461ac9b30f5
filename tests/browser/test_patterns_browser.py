"""Every pattern Kite writes compiles in Chromium as the browser compiles the `pattern`
attribute (a RegExp with the `v` flag), and the browser's check never refuses a value the
server accepts (tests/support/patterns.py)."""

from playwright.sync_api import Page
from support.patterns import PATTERNS, server_accepts

from kite.forms.patterns import browser_pattern

# Values the browser lets through and the server refuses: approximations on the safe side
# (the server checks again). Anything else must agree.
LOOSER = {
    # U+0085 is space to Rust's `\s` (pydantic's default engine); to the browser, not.
    (r"^[^@\s]+@[^@\s]+$", "a\u0085b@c"),
}

CHECK = """([pattern, values]) => {
    let compiled;
    try { compiled = new RegExp(pattern, "v"); new RegExp("^(?:" + pattern + ")$", "v"); }
    catch (error) { return {error: String(error)}; }
    const input = document.createElement("input");
    input.setAttribute("pattern", pattern);
    return {accepted: values.map((value) => {
        input.value = value;
        return !input.validity.patternMismatch;
    })};
}"""


def test_every_pattern_compiles_and_is_never_stricter_than_the_server(js_page: Page) -> None:
    js_page.set_content("<!doctype html><title>patterns</title>")
    checked = 0
    for pattern, _, values in PATTERNS:
        written = browser_pattern(pattern)
        if written is None:
            continue
        values = [value for value in values if value]  # the attribute skips empty values
        result = js_page.evaluate(CHECK, [written, values])
        assert "error" not in result, f"{pattern!r} -> {written!r}: {result}"
        for value, browser in zip(values, result["accepted"], strict=True):
            server = server_accepts(pattern, value)
            if (pattern, value) in LOOSER:
                assert browser and not server, (pattern, value)
            else:
                assert browser == server, f"{pattern!r} -> {written!r} on {value!r}"
            checked += 1
    assert checked > 100
