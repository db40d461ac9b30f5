"""The form-action protocol, hand-written, for the contenders without a framework that knows
it (Starlette, raw ASGI): action names from the query, the ActionResult JSON, the Origin check.

What a Python developer would write to talk to SvelteKit's (or Kite's) `enhance`: a few
dozen lines that only cover what this app needs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote


def action_name(query: str) -> str | None:
    """`?/login` → "login": the first query key starting with "/"."""
    for part in query.split("&"):
        key = part.split("=", 1)[0]
        if key.startswith("/"):
            return unquote(key[1:])
    return None


def action_location(path: str, query: str) -> str:
    """The request's path and query without the action key (ActionResult's `location`)."""
    parts = query.split("&") if query else []
    for index, part in enumerate(parts):
        if part.split("=", 1)[0].startswith("/"):
            del parts[index]
            break
    rest = "&".join(parts)
    return f"{path}?{rest}" if rest else path


def wants_json(accept: str | None) -> bool:
    """Enhanced submissions ask for JSON; browsers' native posts list text/html."""
    return accept is None or "text/html" not in accept


def same_origin(origin: str | None, host: str | None, scheme: str = "http") -> bool:
    """The CSRF check SvelteKit and Kite make on form posts: Origin must be our own."""
    return origin is not None and host is not None and origin == f"{scheme}://{host}"


def stringify(value: Any) -> str:
    """devalue's format for JSON-like data (dicts with str keys, lists, str, int, bool, None;
    this app has no floats, dates or sets): a flat array whose first entry is the root,
    references being indexes. Equal primitives share one entry, as in devalue."""
    entries: list[str] = []
    seen: dict[tuple[type, Any], int] = {}

    def flatten(item: Any) -> int:
        if not isinstance(item, dict | list):
            key = (type(item), item)
            if key in seen:
                return seen[key]
            seen[key] = len(entries)
        index = len(entries)
        entries.append("")
        if isinstance(item, dict):
            fields = ",".join(f"{json.dumps(k)}:{flatten(v)}" for k, v in item.items())
            entries[index] = "{" + fields + "}"
        elif isinstance(item, list):
            entries[index] = "[" + ",".join(str(flatten(v)) for v in item) + "]"
        else:
            entries[index] = json.dumps(item, ensure_ascii=False)
        return index

    flatten(value)
    return "[" + ",".join(entries) + "]"


def _result(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def success(location: str, data: Any = None) -> bytes:
    """`data` None is a success without data (status 204 inside the result)."""
    if data is None:
        return _result({"type": "success", "status": 204, "location": location})
    return _result(
        {"type": "success", "status": 200, "location": location, "data": stringify(data)}
    )


def failure(status: int, location: str, data: Any) -> bytes:
    body = {"type": "failure", "status": status, "location": location, "data": stringify(data)}
    return _result(body)


def redirect(status: int, location: str) -> bytes:
    return _result({"type": "redirect", "status": status, "location": location})
