"""Media keeps playing while an enhanced submission updates the page around it (issue 5:
"keep what the user is doing"). A page swap that replaced the <audio> element, or touched
its `src`, would stop it or start it over."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from support import APPS
from support.runtime import mark_document, open_page, still_same_document
from support.servers import ServeApp, Server

PLAYER = "document.getElementById('player')"
PLAYING = f"!{PLAYER}.paused && {PLAYER}.currentTime > 0.3"


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


def test_audio_keeps_playing_through_an_enhanced_submission(js_page: Page, app: Server) -> None:
    open_page(js_page, app.url + "/actions/media")
    js_page.click("#play")  # a click: browsers let media play after a user gesture
    js_page.wait_for_function(PLAYING)
    # A property, not an attribute: attributes follow the server's markup, properties live
    # as long as the element does.
    js_page.evaluate(f"{PLAYER}.marker = 'same element'")
    mark_document(js_page)
    before = js_page.evaluate(f"{PLAYER}.currentTime")

    js_page.click("#save")
    expect(js_page.locator("#saved")).to_have_text("saved 1")
    expect(js_page.locator("#visits")).to_have_text("visits: 1")  # the loads ran again

    assert still_same_document(js_page)
    assert js_page.evaluate(f"{PLAYER}.marker") == "same element"
    assert js_page.evaluate(f"{PLAYER}.paused") is False
    # Not started over: the position went on from where it was.
    assert js_page.evaluate(f"{PLAYER}.currentTime") >= before
