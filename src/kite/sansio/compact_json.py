"""Compact JSON text: what `json.dumps(value, separators=(",", ":"), ensure_ascii=False)`
writes, from one C encoder made once.

`JSONEncoder.encode` builds a new C encoder (and a dict for its circular-reference check)
on every call, which costs more than writing a page's state or an action result. The one
kept here does not look for circular references: a value that contains itself ends in
Python's recursion limit (`RecursionError`) instead of a `ValueError`. Only Kite's own
values, built fresh for each response, are written with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder
from typing import Any

__all__ = ["dumps"]


def _writer() -> Callable[[Any], str]:
    standard = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
    # Not in typeshed's stub of json.encoder, but there since Python 2.6 (None without C).
    make = getattr(encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return standard.encode
    # make_encoder(markers, default, encoder, indent, key_separator, item_separator,
    # sort_keys, skipkeys, allow_nan), as JSONEncoder.iterencode calls it.
    write = make(
        None, standard.default, encoder.encode_basestring, None, ":", ",", False, False, True
    )

    def dumps(value: Any) -> str:
        return "".join(write(value, 0))

    return dumps


dumps = _writer()
