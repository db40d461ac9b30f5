"""Responses for `+server.py` endpoints."""

from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

__all__ = ["json", "text"]


def json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response: `return json({"id": 1}, status=201)`."""
    body = _ENCODER.encode(data)
    return Response(body, status_code=status, headers=headers, media_type="application/json")


# One encoder for every response: json.dumps with options builds a new one on each call.
_ENCODER = _json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def text(body: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A plain-text response: `return text("ok")`."""
    return Response(body, status_code=status, headers=headers, media_type="text/plain")
