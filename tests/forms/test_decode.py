"""From flat form data to a model's input (kite.forms.decode): every kind of field, and input
no form could send."""

import enum
import io
from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field
from starlette.datastructures import Headers, UploadFile

from kite import UploadedFile
from kite.forms.decode import Decoded, FormShapeError, decode


class Priority(enum.Enum):
    low = "low"
    high = "high"


class Address(BaseModel):
    city: str
    zip: str | None = None


class Item(BaseModel):
    sku: Literal["apple", "pear"]
    qty: int = Field(ge=1)


class Order(BaseModel):
    name: str
    nickname: str = "anon"
    age: int | None = None
    count: int = 1
    price: Decimal | None = None
    ratio: float = 1.0
    express: bool = False
    priority: Priority = Priority.low
    size: Literal["s", "m", "l"] = "m"
    tags: list[str] = []
    numbers: list[int] = []
    address: Address | None = None
    items: list[Item] = []
    grid: list[list[int]] = []
    attachment: UploadedFile | None = None


Pairs = list[tuple[str, Any]]


def data(pairs: Pairs, **kwargs: int) -> dict[str, Any]:
    decoded = decode(Order, pairs, **kwargs)
    assert decoded.errors == []
    return decoded.data


def validated(pairs: Pairs) -> Order:
    return Order.model_validate(data(pairs))


def upload(filename: str, content: bytes = b"hello") -> UploadFile:
    return UploadFile(
        io.BytesIO(content),
        size=len(content),
        filename=filename,
        headers=Headers({"content-type": "text/plain"}),
    )


# --- every type ------------------------------------------------------------------------------


def test_scalars_parse_through_pydantic() -> None:
    order = validated(
        [("name", "Ada"), ("age", "36"), ("price", "12.50"), ("ratio", "0.25"), ("count", "3")]
    )
    assert (order.name, order.age, order.count) == ("Ada", 36, 3)
    assert order.price == Decimal("12.50") and order.ratio == 0.25


def test_checkbox_absent_is_false_present_is_its_value() -> None:
    assert data([("name", "x")])["express"] is False
    assert validated([("name", "x"), ("express", "on")]).express is True
    assert validated([("name", "x"), ("express", "true")]).express is True
    # A hidden "false" before the checkbox: the last value is the checkbox's.
    assert validated([("name", "x"), ("express", "false"), ("express", "on")]).express is True
    assert validated([("name", "x"), ("express", "false")]).express is False


def test_enums_and_literals() -> None:
    order = validated([("name", "x"), ("priority", "high"), ("size", "l")])
    assert order.priority is Priority.high and order.size == "l"


def test_empty_string_is_none_default_or_missing() -> None:
    decoded = data([("name", ""), ("age", ""), ("count", ""), ("price", ""), ("nickname", "")])
    assert decoded["age"] is None  # optional: None
    assert decoded["price"] is None
    assert "count" not in decoded  # has a default: the default
    assert "name" not in decoded  # required: missing, so "This field is required."
    assert decoded["nickname"] == ""  # text with a default: what the user typed


def test_repeated_names_and_brackets_make_lists() -> None:
    order = validated([("name", "x"), ("tags", "a"), ("tags", "b"), ("tags[]", "c")])
    assert order.tags == ["a", "b", "c"]
    assert validated([("name", "x"), ("numbers[]", "1"), ("numbers[]", "2")]).numbers == [1, 2]


def test_empty_inputs_of_a_list_are_no_items() -> None:
    assert validated([("name", "x"), ("tags", ""), ("tags", "a"), ("tags", "")]).tags == ["a"]


def test_indexed_items_of_a_plain_list_are_ordered_by_index() -> None:
    assert validated([("name", "x"), ("tags[1]", "b"), ("tags[0]", "a")]).tags == ["a", "b"]


def test_nested_models_by_dotted_names() -> None:
    order = validated([("name", "x"), ("address.city", "Paris"), ("address.zip", "")])
    assert order.address == Address(city="Paris", zip=None)


def test_indexed_models_compact_and_remember_the_sent_index() -> None:
    decoded = decode(
        Order,
        [("name", "x"), ("items[5].sku", "pear"), ("items[5].qty", "2"), ("items[2].sku", "apple")],
    )
    assert decoded.data["items"] == [{"sku": "apple"}, {"sku": "pear", "qty": "2"}]
    assert decoded.indexes == {("items",): [2, 5]}


def test_dense_indexes_need_no_remembering() -> None:
    decoded = decode(Order, [("items[0].sku", "apple"), ("items[1].sku", "pear")])
    assert decoded.indexes == {}


def test_blank_rows_of_a_list_of_models_are_dropped() -> None:
    order = validated(
        [
            ("name", "x"),
            ("items[0].sku", "apple"),
            ("items[0].qty", "1"),
            ("items[1].sku", ""),
            ("items[1].qty", ""),
        ]
    )
    assert order.items == [Item(sku="apple", qty=1)]


def test_lists_of_lists() -> None:
    order = validated([("name", "x"), ("grid[0][]", "1"), ("grid[0][]", "2"), ("grid[1][0]", "3")])
    assert order.grid == [[1, 2], [3]]


def test_files() -> None:
    file = upload("a.txt")
    order = validated([("name", "x"), ("attachment", file)])
    assert order.attachment is file
    # A file input left empty still sends a part with no filename: no file.
    assert validated([("name", "x"), ("attachment", upload("", b""))]).attachment is None


def test_names_the_model_does_not_have_are_ignored() -> None:
    decoded = data(
        [
            ("name", "x"),
            ("unknown", "1"),
            ("__form_id", "order"),
            ("name.x", "1"),
            ("name[0]", "1"),
            ("address[0]", "1"),
            ("address", "flat"),
            ("items.sku", "apple"),
            ("tags[0].x", "1"),
            ("not a name", "1"),
            ("address.street", "1"),
        ]
    )
    assert decoded == {"name": "x", "express": False, "address": {}, "items": [], "tags": []}


def test_a_scalar_with_an_index_or_attribute_is_not_that_scalar() -> None:
    # `name[0]` once left an empty entry behind that crashed the decoder (IndexError → 500).
    decoded = decode(Order, [("name[0]", "x"), ("age.x", "1"), ("attachment[0]", "x")])
    assert decoded.errors == []
    assert "name" not in decoded.data and "age" not in decoded.data


# --- duplicated scalars and hostile shapes ---------------------------------------------------


def test_a_duplicated_scalar_is_a_field_error() -> None:
    decoded = decode(Order, [("name", "a"), ("name", "b")])
    assert decoded.errors == [{"type": "multiple_values", "loc": ("name",), "ctx": {}}]
    assert "name" not in decoded.data


def test_a_thousand_duplicates_are_one_field_error() -> None:
    decoded = decode(Order, [("items[0].qty", "1")] * 1000 + [("name", "x")] * 1000)
    assert decoded.errors == [
        {"type": "multiple_values", "loc": ("name",), "ctx": {}},
        {"type": "multiple_values", "loc": ("items", 0, "qty"), "ctx": {}},
    ]


@pytest.mark.parametrize(
    "name",
    [
        "items[999999999].qty",
        "items[1000].qty",
        "items[" + "9" * 10_000 + "].qty",
        "tags[5000]",
        "grid[0][1000]",
    ],
)
def test_an_index_above_the_limit_is_a_shape_error(name: str) -> None:
    with pytest.raises(FormShapeError, match="lists in forms hold at most 1000 items") as info:
        decode(Order, [(name, "1")])
    # The message quotes the start of the name, not all of it.
    assert len(str(info.value)) < 300


def test_the_last_allowed_index_is_fine_and_allocates_nothing_for_the_gap() -> None:
    decoded = decode(Order, [("items[999].sku", "apple")])
    assert decoded.data["items"] == [{"sku": "apple"}]
    assert decoded.indexes == {("items",): [999]}


def test_the_index_limit_is_a_keyword_argument() -> None:
    assert data([("name", "x"), ("tags[4999]", "a")], max_index=5000)["tags"] == ["a"]
    with pytest.raises(FormShapeError, match="at most 3 items"):
        decode(Order, [("tags[3]", "a")], max_index=2)


@pytest.mark.parametrize(
    "name",
    [
        "address" + ".city" * 1000,
        "grid" + "[0]" * 1000,
        "items" + "[]" * 1000,
    ],
)
def test_names_nested_deeper_than_the_limit_are_a_shape_error(name: str) -> None:
    with pytest.raises(FormShapeError, match="forms may nest at most 16 levels") as info:
        decode(Order, [(name, "1")])
    assert len(str(info.value)) < 300


def test_depth_limit_is_a_keyword_argument() -> None:
    with pytest.raises(FormShapeError, match="at most 1 levels"):
        decode(Order, [("address.city", "x")], max_depth=1)


def test_many_distinct_indexes_within_the_limit() -> None:
    pairs = [(f"items[{i * 3}].qty", "1") for i in range(300)]
    decoded = decode(Order, pairs)
    assert len(decoded.data["items"]) == 300
    assert decoded.indexes[("items",)][-1] == 897


def test_decoded_is_a_plain_record() -> None:
    assert isinstance(decode(Order, []), Decoded)
    assert decode(Order, []).data == {"express": False}
