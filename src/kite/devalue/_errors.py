"""The two exceptions of `kite.devalue`.

- `DevalueError` (a `TypeError`): `stringify` met a value it cannot write. Its message is
  devalue's own, word for word, so logs read the same on both sides of the wire.
- `ParseError` (a `ValueError`): `parse` was given text that is not valid devalue output.
"""

from __future__ import annotations

__all__ = ["DevalueError", "ParseError"]


class DevalueError(TypeError):
    """A value that `stringify` cannot write.

    ``path`` locates the offending value from the root in JavaScript accessor syntax, the
    way devalue reports it: ``""`` for the root, ``.user.tags[2]``, ``["a b"]``,
    ``.lookup.get("key")``. ``value`` is the offending value and ``root`` the value given to
    `stringify`.
    """

    def __init__(self, message: str, *, path: str = "", value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.value = value
        self.root: object = None

    def __str__(self) -> str:
        return self.message


class ParseError(ValueError):
    """Text that `parse` rejects: not JSON, or JSON that devalue would not have written.

    The message starts with devalue's own wording (``Invalid input``, ``Unknown type Foo``…)
    and goes on to say what exactly was wrong. ``slot`` is the index of the slot being read
    when the problem was found, or ``None`` when it concerns the text as a whole.
    """

    def __init__(self, message: str, *, slot: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.slot = slot

    def __str__(self) -> str:
        return self.message
