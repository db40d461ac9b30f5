"""Watching a page for Content-Security-Policy violations and console errors."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page

# Reported to the test through a binding, from every document the page loads.
_HTTP_STATUS = "Failed to load resource: the server responded with a status of"

_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.kiteReportViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def watch_policy(page: Page) -> list[str]:
    """Every violation (`securitypolicyviolation`) and console error of `page` from now on
    (JavaScript on)."""
    problems: list[str] = []

    def violation(_source: object, text: str) -> None:
        problems.append(f"violation: {text}")

    def console(message: ConsoleMessage) -> None:
        # A response with an error status (a failed action's 400, a missing favicon) is
        # logged as an error too; it is no script's doing.
        if message.type == "error" and not message.text.startswith(_HTTP_STATUS):
            problems.append(f"console: {message.text}")

    page.expose_binding("kiteReportViolation", violation)
    page.add_init_script(_LISTENER)
    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems
