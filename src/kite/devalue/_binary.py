"""Binary data: ``ArrayBuffer``, typed arrays and ``DataView``.

JavaScript keeps the bytes in an ArrayBuffer and lets several views share it; devalue sends
the whole buffer once (base64) and each view as a reference to it plus an optional range.
Element bytes are little-endian, as on every platform browsers run on.
"""

from __future__ import annotations

import array
import base64
import binascii
import struct
from typing import Any, Final

from ._types import BigInt

__all__ = [
    "TYPED_ARRAY_KINDS",
    "ArrayBuffer",
    "DataView",
    "TypedArray",
    "b64decode",
    "b64encode",
    "typed_array_from_buffer",
]

# kind -> struct format of one element (little-endian)
TYPED_ARRAY_KINDS: Final[dict[str, str]] = {
    "Int8Array": "b",
    "Uint8Array": "B",
    "Uint8ClampedArray": "B",
    "Int16Array": "h",
    "Uint16Array": "H",
    "Float16Array": "e",
    "Int32Array": "i",
    "Uint32Array": "I",
    "Float32Array": "f",
    "Float64Array": "d",
    "BigInt64Array": "q",
    "BigUint64Array": "Q",
}


class ArrayBuffer(bytearray):
    """A JavaScript ``ArrayBuffer``: a bytearray that is written as one, and that typed
    arrays and DataViews can share."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ArrayBuffer({bytes(self)!r})"


def _view_range(buffer: ArrayBuffer, byte_offset: int, count: int | None, size: int) -> int:
    """Check a view's range over *buffer* and return its element count."""
    if not isinstance(buffer, ArrayBuffer):
        raise TypeError(f"a view needs an ArrayBuffer, not {type(buffer).__name__}")
    if isinstance(byte_offset, bool) or not isinstance(byte_offset, int) or byte_offset < 0:
        raise ValueError(f"byte offset must be a non-negative int, not {byte_offset!r}")
    if byte_offset % size:
        raise ValueError(f"byte offset {byte_offset} is not a multiple of the element size {size}")
    if count is None:
        if byte_offset > len(buffer) or (len(buffer) - byte_offset) % size:
            raise ValueError(
                f"a buffer of {len(buffer)} bytes from offset {byte_offset} does not hold a "
                f"whole number of {size}-byte elements"
            )
        return (len(buffer) - byte_offset) // size
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"length must be a non-negative int, not {count!r}")
    if byte_offset + count * size > len(buffer):
        raise ValueError(
            f"{count} elements of {size} bytes from offset {byte_offset} run past the end of "
            f"a {len(buffer)}-byte buffer"
        )
    return count


class TypedArray:
    """A typed array such as ``Uint16Array``: a view of *length* elements over *buffer*,
    starting *byte_offset* bytes in. *length* defaults to the rest of the buffer.

    ``bytes(view)`` gives the bytes it covers and ``view.tolist()`` its elements.
    """

    __slots__ = ("buffer", "byte_offset", "kind", "length")

    def __init__(
        self, kind: str, buffer: ArrayBuffer, byte_offset: int = 0, length: int | None = None
    ) -> None:
        if kind not in TYPED_ARRAY_KINDS:
            raise ValueError(f"unknown typed array kind {kind!r}")
        size = struct.calcsize(TYPED_ARRAY_KINDS[kind])
        self.kind = kind
        self.buffer = buffer
        self.byte_offset = byte_offset
        self.length = _view_range(buffer, byte_offset, length, size)

    @property
    def byte_length(self) -> int:
        return self.length * struct.calcsize(TYPED_ARRAY_KINDS[self.kind])

    @property
    def covers_buffer(self) -> bool:
        return self.byte_offset == 0 and self.byte_length == len(self.buffer)

    def tobytes(self) -> bytes:
        return bytes(self.buffer[self.byte_offset : self.byte_offset + self.byte_length])

    def __bytes__(self) -> bytes:
        return self.tobytes()

    def tolist(self) -> list[Any]:
        """The elements: ints, floats, or `BigInt` for the BigInt64/BigUint64 kinds."""
        fmt = f"<{self.length}{TYPED_ARRAY_KINDS[self.kind]}"
        items = struct.unpack_from(fmt, self.buffer, self.byte_offset)
        if self.kind.startswith("Big"):
            return [BigInt(item) for item in items]
        return list(items)

    def __len__(self) -> int:
        return self.length

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TypedArray):
            return NotImplemented
        mine = (self.kind, self.byte_offset, self.length, self.buffer)
        return mine == (other.kind, other.byte_offset, other.length, other.buffer)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = "" if self.covers_buffer else f", {self.byte_offset}, {self.length}"
        return f"TypedArray({self.kind!r}, {self.buffer!r}{extra})"


class DataView:
    """A JavaScript ``DataView`` of *byte_length* bytes over *buffer* from *byte_offset*."""

    __slots__ = ("buffer", "byte_length", "byte_offset")

    def __init__(
        self, buffer: ArrayBuffer, byte_offset: int = 0, byte_length: int | None = None
    ) -> None:
        self.buffer = buffer
        self.byte_offset = byte_offset
        self.byte_length = _view_range(buffer, byte_offset, byte_length, 1)

    @property
    def covers_buffer(self) -> bool:
        return self.byte_offset == 0 and self.byte_length == len(self.buffer)

    def tobytes(self) -> bytes:
        return bytes(self.buffer[self.byte_offset : self.byte_offset + self.byte_length])

    def __bytes__(self) -> bytes:
        return self.tobytes()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataView):
            return NotImplemented
        mine = (self.byte_offset, self.byte_length, self.buffer)
        return mine == (other.byte_offset, other.byte_length, other.buffer)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = "" if self.covers_buffer else f", {self.byte_offset}, {self.byte_length}"
        return f"DataView({self.buffer!r}{extra})"


def b64encode(data: bytes | bytearray) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> ArrayBuffer:
    """Strict standard base64 (padding required, no stray characters)."""
    try:
        return ArrayBuffer(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"invalid base64 ({exc})") from None


def _kind_for_format(code: str, size: int) -> str | None:
    if code in ("e", "f", "d"):
        return {2: "Float16Array", 4: "Float32Array", 8: "Float64Array"}.get(size)
    if code in ("c", "?"):
        return "Uint8Array"
    if len(code) != 1 or code.lower() not in "bhilqn":
        return None
    signed = {1: "Int8Array", 2: "Int16Array", 4: "Int32Array", 8: "BigInt64Array"}
    unsigned = {1: "Uint8Array", 2: "Uint16Array", 4: "Uint32Array", 8: "BigUint64Array"}
    return (signed if code.islower() else unsigned).get(size)


def typed_array_from_buffer(data: memoryview | array.array[int] | array.array[float]) -> TypedArray:
    """A typed array over a fresh copy of a memoryview's or array.array's elements; the
    element type follows the format (``"h"`` is an Int16Array…)."""
    code: str
    if isinstance(data, array.array):
        code, size, raw = data.typecode, data.itemsize, data.tobytes()
    else:
        code, size, raw = data.format.lstrip("@="), data.itemsize, data.tobytes()
    kind = _kind_for_format(code, size)
    if kind is None:
        raise ValueError(f"no JavaScript typed array holds elements of format {code!r}")
    if size > 1 and struct.pack("=H", 1) != struct.pack("<H", 1):
        # Big-endian host: JavaScript views are little-endian, so swap each element.
        fmt = TYPED_ARRAY_KINDS[kind]
        count = len(raw) // size
        raw = struct.pack(f"<{count}{fmt}", *struct.unpack(f"={count}{fmt}", raw))
    return TypedArray(kind, ArrayBuffer(raw))
