"""`Map` and `Set` with JavaScript's key semantics (SameValueZero).

A JavaScript Map or Set can hold any value, including lists, dicts and itself, which a
Python dict or set cannot. Here primitives are keyed by value, with their JavaScript type
kept apart (``1`` and ``1.0`` are the same number, ``True`` and ``1`` are not, every NaN is
the same key), and everything else is keyed by identity, as in JavaScript.
"""

from __future__ import annotations

import reprlib
from collections.abc import Hashable, Iterable, Iterator, Mapping, MutableMapping, MutableSet
from collections.abc import Set as AbstractSet
from typing import Any, Final, TypeVar

from ._text import MAX_SAFE_INTEGER
from ._types import UNDEFINED, BigInt

__all__ = ["Map", "Set", "key_token", "normalize_key"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

_TRUE: Final = object()
_FALSE: Final = object()
_NAN: Final = object()


def key_token(key: object) -> Hashable:
    """A hashable stand-in for *key* that is equal exactly when JavaScript's SameValueZero
    says two keys are the same."""
    kind = type(key)
    if kind is str:
        return key
    if key is None or key is UNDEFINED:
        return key
    if kind is bool:
        return _TRUE if key else _FALSE
    if isinstance(key, str):
        return str.__str__(key)
    if isinstance(key, int):
        if isinstance(key, BigInt) or not -MAX_SAFE_INTEGER <= key <= MAX_SAFE_INTEGER:
            return ("bigint", int(key))
        return int(key)
    if isinstance(key, float):
        # -0.0 == 0 already, so only NaN needs help.
        return _NAN if key != key else float(key)
    return ("id", id(key))


def normalize_key(key: T) -> T:
    """JavaScript stores a ``-0`` key or member as ``+0``."""
    if isinstance(key, float) and key == 0.0:
        return 0.0  # type: ignore[return-value]
    return key


class Map(MutableMapping[K, V]):
    """A JavaScript ``Map``: insertion-ordered, any key (unhashable ones by identity).

    `parse` returns one for every ``Map`` it reads; `stringify` writes one (and any dict
    whose keys are not all str) as a ``Map``.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._entries: dict[Hashable, tuple[K, V]] = {}
        items = entries.items() if isinstance(entries, Mapping) else entries
        for key, value in items:
            self[key] = value

    def __getitem__(self, key: K) -> V:
        return self._entries[key_token(key)][1]

    def __setitem__(self, key: K, value: V) -> None:
        token = key_token(key)
        entry = self._entries.get(token)
        # Like Map.prototype.set: an existing key keeps its place and its original object.
        self._entries[token] = (normalize_key(key) if entry is None else entry[0], value)

    def __delitem__(self, key: K) -> None:
        del self._entries[key_token(key)]

    def __contains__(self, key: object) -> bool:
        return key_token(key) in self._entries

    def __iter__(self) -> Iterator[K]:
        return (key for key, _ in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[tuple[K, V]]:
        """The (key, value) pairs in insertion order, as a new list."""
        return list(self._entries.values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping) and not isinstance(other, Map):
            other = Map(other)
        if not isinstance(other, Map):
            return NotImplemented
        if len(self._entries) != len(other._entries):
            return False
        theirs = other._entries
        return all(
            token in theirs and theirs[token][1] == value
            for token, (_, value) in self._entries.items()
        )

    __hash__ = None  # type: ignore[assignment]

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        return f"Map({list(self._entries.values())!r})"


class Set(MutableSet[T]):
    """A JavaScript ``Set``: insertion-ordered, any member (unhashable ones by identity).

    `parse` returns one for every ``Set`` it reads; `stringify` writes one, a `set` or a
    `frozenset` as a ``Set``.
    """

    __slots__ = ("_members",)

    def __init__(self, members: Iterable[T] = ()) -> None:
        self._members: dict[Hashable, T] = {}
        for member in members:
            self.add(member)

    def add(self, value: T) -> None:
        self._members.setdefault(key_token(value), normalize_key(value))

    def discard(self, value: T) -> None:
        self._members.pop(key_token(value), None)

    def __contains__(self, value: object) -> bool:
        return key_token(value) in self._members

    def __iter__(self) -> Iterator[T]:
        return iter(self._members.values())

    def __len__(self) -> int:
        return len(self._members)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AbstractSet) and not isinstance(other, Set):
            other = Set(other)
        if not isinstance(other, Set):
            return NotImplemented
        return self._members.keys() == other._members.keys()

    __hash__ = None  # type: ignore[assignment]

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        return f"Set({list(self._members.values())!r})"

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> Set[Any]:
        return cls(it)
