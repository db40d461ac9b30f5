"""`stringify`'s fast path for trees made only of JSON types.

Most payloads are plain dicts, lists, str, int, float, bool and None. For those, the
general walk (`_stringify.Flattener`) spends most of its time on checks that cannot fire,
and the C `json` encoder then writes every dict slot again key by key. This walk writes
each slot's *text* as soon as the slot is known, and a dict slot through a ``%`` template
made once per key tuple, so the output is one ``",".join``.

Invariants, which keep the output byte-identical to the general walk:

- Slots are numbered depth-first, pre-order, exactly as `Flattener` numbers them: a
  container takes its slot before its children, a value met again reuses its slot.
- References are kept as their decimal text (``"12"``), so templates never format ints.
- One memo holds str and number slots: a str never equals a number, and 1 and 1.0 are
  one JavaScript number, as in the general walk. Floats equal to zero never look it up
  (``-0.0 == 0`` in Python, but -0 is a sentinel in devalue), and ints outside
  ±MAX_SAFE_INTEGER never reach it (they are BigInts: the general walk writes them).
- Anything else — another type, a subclass, a dict whose keys need care (non-str,
  index-like, ``then``, ``__proto__``), nesting past `FAST_DEPTH` — makes the walk give up
  with `NotPlainJson` before anything observable happened, and the general walk starts
  over. So every error message, path and limit stays the general walk's.
- A list of records (dicts of leaves sharing one key tuple, see `_records`) is offered to
  `write_records` first, which numbers and writes it in bulk with these same memos and
  reference numbers, or declines before changing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain, count
from math import copysign, inf
from typing import Any, Final

from ._frames import SHAPE_PLAIN, cached_shape
from ._records import write_records
from ._text import MAX_SAFE_INTEGER, encode_json_string, finish_output, format_float

__all__ = ["FAST_DEPTH", "NotPlainJson", "stringify_plain_json"]

FAST_DEPTH: Final = 64
"""Deepest nesting this recursive walk takes on; deeper trees use the general walk,
whose explicit stack costs no Python recursion."""

_TEMPLATES_LIMIT: Final = 2048
# The slot templates of plain dicts, by key tuple; bounded since keys can be user data.
_TEMPLATES: dict[tuple[str, ...], Callable[[tuple[str, ...]], str]] = {}

# The decimal text of the first slot numbers, made once: taking the next one from an
# iterator costs less than writing it with `str`.
_NUMERALS: Final = tuple(map(str, range(1 << 13)))

_CONSTANT_TEXT: Final = {True: "true", False: "false", None: "null"}
_SENTINEL_REFS: Final = {inf: "-4", -inf: "-5"}


class NotPlainJson(Exception):
    """Raised inside the fast walk when the value needs the general one."""


def _template(keys: tuple[str, ...]) -> Callable[[tuple[str, ...]], str]:
    """``template(refs)``: the slot text of a plain dict with these keys."""
    template = _TEMPLATES.get(keys)
    if template is None:
        if cached_shape(keys)[0] != SHAPE_PLAIN:
            raise NotPlainJson
        parts = (encode_json_string(key).replace("%", "%%") + ":%s" for key in keys)
        template = ("{" + ",".join(parts) + "}").__mod__
        if len(_TEMPLATES) >= _TEMPLATES_LIMIT:
            _TEMPLATES.clear()
        _TEMPLATES[keys] = template
    return template


def _float_text(value: float) -> str:
    # Python's repr is JavaScript's text for non-integral floats from 1e-4 up (they are
    # all below 2**52); format_float handles the rest.
    if abs(value) >= 1e-4 and not value.is_integer():
        return float.__repr__(value)
    return format_float(value)


class _PlainWriter:
    """One fast `stringify` call: the slot texts and the memos."""

    __slots__ = (
        "big_floats",
        "consts",
        "hot",
        "max_nesting",
        "next_ref",
        "objects",
        "pieces",
        "refs",
        "scalars",
    )

    def __init__(self, max_depth: int) -> None:
        self.pieces: list[str] = []
        self.scalars: dict[object, str] = {}
        self.consts: dict[object, str] = {}
        self.objects: dict[int, str] = {}
        # Every new slot takes its reference from here. A piece is one slot's text, or
        # several joined (`write_records`): indexes into `pieces` are not references.
        self.refs: Iterator[str] = chain(_NUMERALS, map(str, count(len(_NUMERALS))))
        self.next_ref = self.refs.__next__
        # Floats with an integral value beyond MAX_SAFE_INTEGER: kept out of `scalars`,
        # where an int of that value (a BigInt) could find them.
        self.big_floats: dict[float, str] = {}
        # Stay clear of the general walk's depth error, so that this walk never succeeds
        # where that one would fail.
        self.max_nesting = min(FAST_DEPTH, max_depth - 2)
        # What `container` needs, unpacked in one step on each call.
        self.hot = (
            self.pieces,
            self.pieces.append,
            self.scalars,
            self.scalars.get,
            self.consts,
            self.objects,
            self.next_ref,
            self.max_nesting,
        )

    def float_ref(self, value: float) -> str:
        """The reference of a float that missed the memo (or was never looked up)."""
        if value != value:
            return "-3"
        if value in _SENTINEL_REFS:
            return _SENTINEL_REFS[value]
        memo: dict[Any, str] = self.scalars
        if not value:
            if copysign(1, value) < 0:
                return "-6"
            value = 0
        elif value.is_integer() and abs(value) > MAX_SAFE_INTEGER:
            memo = self.big_floats
        ref = memo.get(value)
        if ref is None:
            ref = memo[value] = self.next_ref()
            self.pieces.append("0" if value.__class__ is int else _float_text(value))
        return ref

    def const_ref(self, value: bool | None) -> str:
        ref = self.consts[value] = self.next_ref()
        self.pieces.append(_CONSTANT_TEXT[value])
        return ref

    def container(self, value: dict[str, Any] | list[Any], depth: int) -> str:
        """Write a list or dict nested *depth* levels deep, and its children; returns
        its slot's text."""
        pieces, add, scalars, get, consts, objects, next_ref, deepest = self.hot
        keys = tuple(value) if value.__class__ is dict else None
        # A dict's keys are checked first, so that a dict the general walk must write
        # costs no walk of its children.
        template = None if keys is None else (_TEMPLATES.get(keys) or _template(keys))
        if type(value) is list and value and value[0].__class__ is dict:
            text = write_records(value, self, depth < deepest)
            if text is not None:
                return text
        refs: list[str] = []
        put = refs.append
        item: Any
        children: Iterable[Any] = value if keys is None else value.values()  # type: ignore[union-attr]
        for item in children:
            cls = item.__class__
            if cls is str:
                ref = get(item)
                if ref is None:
                    ref = scalars[item] = next_ref()
                    add(encode_json_string(item))
            elif cls is int:
                ref = get(item)
                if ref is None:
                    if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                        raise NotPlainJson
                    ref = scalars[item] = next_ref()
                    add(int.__repr__(item))
            elif cls is float:
                ref = get(item) if item else None  # never -0.0: see the invariants
                if ref is None:
                    text = float.__repr__(item)
                    # Python writes these as JavaScript does; "e" (tiny or huge), "n"
                    # (nan, inf) and ".0" (integral, zero) need a closer look.
                    if "e" in text or "n" in text or text[-2:] == ".0":
                        ref = self.float_ref(item)
                    else:
                        ref = scalars[item] = next_ref()
                        add(text)
            elif cls is dict or cls is list:
                ref = objects.get(id(item))
                if ref is None:
                    if depth >= deepest:
                        raise NotPlainJson
                    index = len(pieces)
                    ref = objects[id(item)] = next_ref()
                    add("")
                    pieces[index] = self.container(item, depth + 1)
            elif item is None or cls is bool:
                ref = consts.get(item) or self.const_ref(item)
            else:
                raise NotPlainJson
            put(ref)
        if template is not None:
            return template(tuple(refs))
        return "[" + ",".join(refs) + "]"


# The leaves `_flat_object` writes; anything else (a float, a container) takes the writer.
_FLAT_LEAVES: Final = frozenset({str, int, bool, type(None)})
_FLAT_MOST: Final = 64


def _flat_object(value: dict[str, Any]) -> str | None:
    """The text of a dict whose values are all str, int, bool or None — a form's fields, a
    failure's data — written without a `_PlainWriter`, which costs more to set up than
    such a dict costs to write. Slots and references are the writer's: the dict takes
    slot 0, each distinct value the next one in order. None for any other dict."""
    if len(value) > _FLAT_MOST:
        return None
    for item in value.values():
        if item.__class__ not in _FLAT_LEAVES:
            return None
    template = _TEMPLATES.get(keys := tuple(value)) or _template(keys)
    pieces: list[str] = []
    refs: list[str] = []
    scalars: dict[object, str] = {}  # str and int: never equal to each other
    consts: dict[object, str] = {}  # True, False, None: kept apart from 1 and 0
    for item in value.values():
        cls = item.__class__
        memo = scalars if cls is str or cls is int else consts
        ref = memo.get(item)
        if ref is None:
            if cls is str:
                text = encode_json_string(item)
            elif cls is int:
                if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                    return None  # a BigInt: the general walk writes it
                text = int.__repr__(item)
            else:
                text = _CONSTANT_TEXT[item]
            ref = memo[item] = _NUMERALS[len(pieces) + 1]
            pieces.append(text)
        refs.append(ref)
    return finish_output("[" + ",".join([template(tuple(refs)), *pieces]) + "]")


def stringify_plain_json(value: dict[str, Any] | list[Any], max_depth: int) -> str:
    """devalue text for a dict or list made only of JSON types; raises `NotPlainJson`
    when the value needs the general walk."""
    if type(value) is dict and max_depth > 2:
        text = _flat_object(value)
        if text is not None:
            return text
    writer = _PlainWriter(max_depth)
    if writer.max_nesting < 1:
        raise NotPlainJson
    writer.objects[id(value)] = writer.next_ref()
    writer.pieces.append("")
    writer.pieces[0] = writer.container(value, 1)
    return finish_output("[" + ",".join(writer.pieces) + "]")
