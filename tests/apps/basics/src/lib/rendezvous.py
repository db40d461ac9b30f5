"""Lets a layout load and a page load of the same request meet: if Kite ran them one after
the other, the first would wait for the second forever (bounded by a timeout)."""

import asyncio

EVENTS: dict[int, asyncio.Event] = {}


def for_request(request) -> asyncio.Event:
    return EVENTS.setdefault(id(request), asyncio.Event())
