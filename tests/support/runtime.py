"""Helpers for browser tests of Kite's runtime (JavaScript on)."""

from __future__ import annotations

from playwright.sync_api import Page, Request


def open_page(page: Page, url: str) -> None:
    """Open `url` and wait until the runtime has started."""
    page.goto(url)
    page.wait_for_selector("html[data-kite-ready]", state="attached")


def mark_document(page: Page) -> None:
    """A marker that survives only as long as no full page load happens."""
    page.evaluate("window.nav_marker = true")


def still_same_document(page: Page) -> bool:
    return bool(page.evaluate("window.nav_marker === true"))


def record_requests(page: Page) -> list[Request]:
    """Every request to the app from now on, to count round trips. The runtime's own modules
    (`/_kite/…`, loaded on demand and cached for a year) are not round trips to the app."""
    requests: list[Request] = []

    def record(request: Request) -> None:
        if "/_kite/" not in request.url:
            requests.append(request)

    page.on("request", record)
    return requests
