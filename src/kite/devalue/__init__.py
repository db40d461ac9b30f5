"""devalue, the serialisation format SvelteKit uses for form-action data, in pure Python.

``stringify(value)`` writes a value as devalue's JSON text and ``parse(text)`` reads it
back, byte-compatible with the JavaScript library (devalue 6.0.3), so a SvelteKit client's
``deserialize`` reads what Kite sends.

The format in one paragraph: the text is a JSON array of *slots*. Slot 0 holds the root;
every other value reachable from it has a slot of its own, numbered depth-first, and
containers refer to their children by slot number (``{"message": "hi"}`` is
``[{"message":1},"hi"]``). So shared and cyclic references survive, and types JSON lacks
are written as tagged slots: ``["Date","2024-01-15T10:30:00.000Z"]``, ``["Map",1,2]``,
``["BigInt","7"]``. A few values are negative sentinels instead of slots: ``-1`` undefined,
``-2`` an array hole, ``-3`` NaN, ``-4``/``-5`` ±Infinity, ``-6`` -0; a bare sentinel is the
whole text when the root is one of them.

Python values map to JavaScript as described in ``docs/devalue.md``; the types JavaScript
has and Python lacks (`Map`, `Set`, `BigInt`, `UNDEFINED`, `HOLE`, typed arrays…) are
provided here. Custom types travel through *reducers* and *revivers* keyed by name, the
shape of SvelteKit's ``transport`` hook.

Errors: `DevalueError` (a `TypeError`) when a value cannot be written, with devalue's
message and a ``path`` to the value; `ParseError` (a `ValueError`) for rejected text.

This package stands alone: it imports nothing else from Kite.
"""

from ._binary import ArrayBuffer, DataView, TypedArray
from ._collections import Map, Set
from ._errors import DevalueError, ParseError
from ._parse import DEFAULT_MAX_LENGTH, DEFAULT_MAX_SPARSE_LENGTH, Revivers, parse, unflatten
from ._stringify import DEFAULT_MAX_DEPTH, Reducers, stringify
from ._types import (
    HOLE,
    UNDEFINED,
    URL,
    BigInt,
    Boxed,
    Date,
    NullProtoObject,
    RegExp,
    Symbol,
    Temporal,
    URLSearchParams,
)

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_LENGTH",
    "DEFAULT_MAX_SPARSE_LENGTH",
    "HOLE",
    "UNDEFINED",
    "URL",
    "ArrayBuffer",
    "BigInt",
    "Boxed",
    "DataView",
    "Date",
    "DevalueError",
    "Map",
    "NullProtoObject",
    "ParseError",
    "Reducers",
    "RegExp",
    "Revivers",
    "Set",
    "Symbol",
    "Temporal",
    "TypedArray",
    "URLSearchParams",
    "parse",
    "stringify",
    "unflatten",
]
