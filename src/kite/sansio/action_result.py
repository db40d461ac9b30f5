"""Form-action protocol pieces that need no server: which action a POST names, the
`location` of its result, and the ActionResult JSON that SvelteKit's `deserialize` reads.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote_plus

from kite.sansio import compact_json

__all__ = [
    "action_name",
    "error_result",
    "failure_result",
    "redirect_result",
    "result_location",
    "success_result",
]


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def action_name(query: str) -> str | None:
    """The action a POST names: the first query key starting with `/`, without the slash;
    None when there is none (the default action).

    The key's value is ignored (`?/login=x` names `login`).
    """
    for key, _value in _pairs(query):
        if key.startswith("/"):
            return key[1:]
    return None


def result_location(path: str, query: str) -> str:
    """The request's path and query without the first `/name` key, as URLSearchParams writes it.

    `?throw-in-load&/error` becomes `?throw-in-load=`; nothing left means no `?` at all.
    """
    # A path starting with "//" must not read as a protocol-relative URL.
    if path.startswith("//"):
        path = "/." + path
    pairs = _pairs(query)
    for index, (key, _value) in enumerate(pairs):
        if key.startswith("/"):
            del pairs[index]
            break
    else:
        return f"{path}?{query}" if query else path
    if not pairs:
        return path
    return path + "?" + "&".join(f"{_form_quote(k)}={_form_quote(v)}" for k, v in pairs)


def _form_quote(text: str) -> str:
    # URLSearchParams leaves only alphanumerics and *-._ unescaped; Python also keeps "~".
    return quote_plus(text, safe="*").replace("~", "%7E")


def _dumps(body: dict[str, Any]) -> bytes:
    return compact_json.dumps(body).encode("utf-8")


def success_result(location: str, data: str | None, extra: dict[str, Any] | None = None) -> bytes:
    """`data` is the devalue string, or None for a success without data (status 204).

    `extra` holds keys of Kite's own (`"kite"`), which SvelteKit's `deserialize` ignores.
    """
    if data is None:
        body: dict[str, Any] = {"type": "success", "status": 204, "location": location}
    else:
        body = {"type": "success", "status": 200, "location": location, "data": data}
    return _dumps({**body, **(extra or {})})


def failure_result(
    status: int, location: str, data: str, extra: dict[str, Any] | None = None
) -> bytes:
    if not extra and type(status) is int:
        # What _dumps writes for these four keys, without walking a dict.
        text = _FAILURE % (status, _string(location), _string(data))
        return text.encode("utf-8")
    body = {"type": "failure", "status": status, "location": location, "data": data}
    return _dumps({**body, **(extra or {})})


_FAILURE = '{"type":"failure","status":%d,"location":%s,"data":%s}'
# The encoder's own string writer (C), as compact_json uses it.
_string = json.encoder.encode_basestring


def redirect_result(status: int, location: str) -> bytes:
    return _dumps({"type": "redirect", "status": status, "location": location})


def error_result(location: str, body: dict[str, Any], extra: dict[str, Any] | None = None) -> bytes:
    return _dumps({"type": "error", "location": location, "error": body, **(extra or {})})
