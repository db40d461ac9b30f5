"""From flat form data to the input of a pydantic model, guided by the model's fields.

What HTML sends is not what a model wants: a checkbox that is not ticked sends nothing, an
empty number input sends "", a list is the same name repeated (or `tags[]`), a nested model
is `address.city`, an item of a list `items[0].qty`. This module builds the nested dicts and
lists pydantic validates; names the model does not have are ignored, as pydantic ignores
extra keys. Structural abuse — an index of a billion, names nested deeper than any model —
raises `FormShapeError`, which the caller answers with 400.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from starlette.datastructures import UploadFile

from kite.forms.names import APPEND, Path, parse_name
from kite.forms.schema import Field, Shape, fields_of

__all__ = ["Decoded", "FormShapeError", "decode"]

DEFAULT_MAX_INDEX = 999
DEFAULT_MAX_DEPTH = 16


class FormShapeError(ValueError):
    """The form data cannot be the shape of any input to this model."""


@dataclass
class _Items:
    """The items of a list field so far: by index (`items[3]`) and appended (`tags`, `tags[]`)."""

    indexed: dict[int, Any] = field(default_factory=dict)
    appended: list[Any] = field(default_factory=list)


@dataclass
class Decoded:
    """The model's input, errors found before validation (keyed by loc, as pydantic's), and
    for each list that had indexed items the index each position came from, so that an
    error about `items[1]` can name the `items[5]` the browser sent."""

    data: dict[str, Any]
    errors: list[dict[str, Any]]
    indexes: dict[tuple[Any, ...], list[int]]


def decode(
    model: type[BaseModel],
    items: Iterable[tuple[str, str | UploadFile]],
    *,
    max_index: int = DEFAULT_MAX_INDEX,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Decoded:
    tree: dict[str, Any] = {}
    for name, value in items:
        path = parse_name(name)
        if path is None or path[0] not in fields_of(model):
            continue
        if len(path) > max_depth:
            raise FormShapeError(
                f"The form field {_shorten(name)!r} is nested {len(path)} levels deep; forms "
                f"may nest at most {max_depth} levels"
            )
        _insert(model, tree, path, value, name, max_index)
    result = Decoded({}, [], {})
    result.data = _finish_model(model, tree, (), result)
    return result


_SHOWN_NAME_LENGTH = 80


def _shorten(name: str) -> str:
    # The name comes from the client and may be megabytes long: the message shows its start.
    if len(name) <= _SHOWN_NAME_LENGTH:
        return name
    return name[:_SHOWN_NAME_LENGTH] + f"… ({len(name)} characters)"


# --- building the tree ---------------------------------------------------------------------


def _insert(
    model: type[BaseModel],
    tree: dict[str, Any],
    path: Path,
    value: str | UploadFile,
    name: str,
    max_index: int,
) -> None:
    node: Any = tree
    shape: Shape | None = None
    for position, segment in enumerate(path):
        last = position == len(path) - 1
        if isinstance(node, dict) and isinstance(segment, str):
            if shape is not None and shape.kind != "model":
                return
            current = fields_of(shape.model if shape else model).get(segment)
            if current is None:
                return
            shape = current.shape
            node = _child(node, segment, shape, last, value)
        elif isinstance(node, _Items) and shape is not None and shape.item is not None:
            shape = shape.item
            if segment is APPEND:
                node = _append(node, shape, last, value)
            elif isinstance(segment, int):
                if segment > max_index:
                    raise FormShapeError(
                        f"The form field {_shorten(name)!r} has an index above {max_index}; "
                        f"lists in forms hold at most {max_index + 1} items"
                    )
                node = _at_index(node, segment, shape, last, value)
            else:
                return
        else:
            # `email.x` when email is a plain value, `address[0]` when address is a model:
            # not a name of this model.
            return
        if node is None:
            return


def _new_container(shape: Shape) -> Any:
    if shape.kind == "model":
        return {}
    if shape.kind == "list":
        return _Items()
    return []


def _child(node: dict[str, Any], key: str, shape: Shape, last: bool, value: Any) -> Any:
    if last:
        if shape.kind == "list":
            # The plain name of a list field, repeated: `tags=a&tags=b`.
            items = node.setdefault(key, _Items())
            return (
                _append(items, shape.item or shape, True, value)
                if isinstance(items, _Items)
                else None
            )
        if shape.kind == "model":
            return None  # `address=x` for a nested model: nothing to put it in
        values = node.setdefault(key, [])
        if isinstance(values, list):
            values.append(value)
        return None
    if shape.kind not in ("model", "list"):
        # `email[0]` or `email.x` when email is a plain value: not a name of this model. No
        # empty entry may be left behind, or the field would read as sent with no value.
        return None
    existing = node.get(key)
    if existing is None:
        existing = node[key] = _new_container(shape)
    return existing if isinstance(existing, dict | _Items) else None


def _append(items: _Items, shape: Shape, last: bool, value: Any) -> Any:
    if last:
        items.appended.append(value if shape.kind != "model" else None)
        return None
    container = _new_container(shape)
    items.appended.append(container)
    return container


def _at_index(items: _Items, index: int, shape: Shape, last: bool, value: Any) -> Any:
    if last:
        items.indexed.setdefault(index, []).append(value)
        return None
    existing = items.indexed.get(index)
    if existing is None:
        existing = items.indexed[index] = _new_container(shape)
    return existing if isinstance(existing, dict | _Items) else None


# --- from the tree to the model's input -----------------------------------------------------


def _finish_model(
    model: type[BaseModel], tree: dict[str, Any], loc: tuple[Any, ...], result: Decoded
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, form_field in fields_of(model).items():
        present = key in tree
        value = _finish(form_field, tree.get(key), present, (*loc, key), result)
        if value is not _ABSENT:
            data[key] = value
    return data


class _Absent:
    pass


_ABSENT = _Absent()


def _finish(
    form_field: Field, node: Any, present: bool, loc: tuple[Any, ...], result: Decoded
) -> Any:
    shape = form_field.shape
    if shape.kind == "bool":
        # A checkbox that is not ticked sends nothing; with a hidden input before it
        # (`<input type=hidden name=x value=false>`) the last value is the checkbox's.
        return node[-1] if present and isinstance(node, list) and node else False
    if not present:
        return _ABSENT
    if shape.kind == "model":
        return _finish_model(shape.model, node, loc, result) if isinstance(node, dict) else _ABSENT
    if shape.kind == "list":
        return _finish_list(shape, node, loc, result) if isinstance(node, _Items) else _ABSENT
    return _finish_value(form_field, node, loc, result)


def _finish_value(
    form_field: Field, values: list[Any], loc: tuple[Any, ...], result: Decoded
) -> Any:
    if len(values) > 1:
        result.errors.append({"type": "multiple_values", "loc": loc, "ctx": {}})
        return _ABSENT
    return _empty_to_absent(form_field.shape, form_field, values[0])


def _empty_to_absent(shape: Shape, form_field: Field | None, value: Any) -> Any:
    """An empty input means "no value": None where the field allows it, the default where it
    has one, else missing (a "required" error) — except text with a default, where an empty
    string is what the user typed."""
    if not _is_empty(value):
        return value
    if shape.optional:
        return None
    if form_field is not None and not form_field.info.is_required() and shape.python_type is str:
        return value
    return _ABSENT


def _all_empty(node: Any) -> bool:
    if isinstance(node, dict):
        return all(_all_empty(child) for child in node.values())
    if isinstance(node, _Items):
        return all(_all_empty(child) for child in [*node.indexed.values(), *node.appended])
    if isinstance(node, list):
        return all(_all_empty(child) for child in node)
    return node is None or _is_empty(node)


def _is_empty(value: Any) -> bool:
    if isinstance(value, UploadFile):
        # A file input with no file chosen still sends a part, with an empty filename.
        return not value.filename and not value.size
    return isinstance(value, str) and not value


def _finish_list(shape: Shape, items: _Items, loc: tuple[Any, ...], result: Decoded) -> Any:
    item = shape.item or Shape("value", Any)
    sent: list[tuple[int | None, Any]] = [(i, items.indexed[i]) for i in sorted(items.indexed)]
    sent += [(None, node) for node in items.appended]
    if item.kind == "model":
        # A row left blank (the spare rows of a form without JavaScript) is no item.
        sent = [(index, node) for index, node in sent if not _all_empty(node)]
    kept = [index for index, _ in sent if index is not None]
    if kept != list(range(len(kept))):
        result.indexes[loc] = kept
    finished: list[Any] = []
    for position, (_, node) in enumerate(sent):
        here = (*loc, position)
        if item.kind == "model":
            finished.append(
                _finish_model(item.model, node, here, result) if isinstance(node, dict) else node
            )
        elif item.kind == "list":
            finished.append(
                _finish_list(item, node, here, result) if isinstance(node, _Items) else node
            )
        else:
            for value in node if isinstance(node, list) else [node]:
                # An empty input in a list (`tags` with three boxes, one filled) is no item.
                if not _is_empty(value):
                    finished.append(value)
    return finished
