"""The models of the typed-forms fixture app: every kind of field a form can send."""

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from kite import Sensitive, UploadedFile


class Register(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    password: SecretStr = Field(min_length=8)
    age: int | None = Field(default=None, ge=13, le=130, description="Optional, 13 or over")
    terms: bool = Field(title="I accept the terms")

    @model_validator(mode="after")
    def must_accept(self) -> "Register":
        if not self.terms:
            raise ValueError("You must accept the terms to register.")
        return self


class Priority(Enum):
    low = "low"
    high = "high"


class Address(BaseModel):
    city: str = Field(min_length=2)
    zip: str = Field(pattern=r"^\d{5}$")


class Customer(BaseModel):
    name: str
    address: Address


class Item(BaseModel):
    sku: Literal["apple", "pear", "plum"]
    qty: int = Field(ge=1, le=99)


class Order(BaseModel):
    customer: Customer
    items: list[Item] = Field(min_length=1)
    tags: list[str] = []
    priority: Priority = Priority.low
    note: str | None = None
    express: bool = False
    amount: Decimal = Field(decimal_places=2, ge=0)
    delivery: date | None = None
    card: Annotated[str, Sensitive] = ""
    attachment: UploadedFile | None = None

    @field_validator("tags")
    @classmethod
    def lowercase(cls, tags: list[str]) -> list[str]:
        return [tag.lower() for tag in tags]


class Subscribe(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class Contact(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    message: str = Field(min_length=10)
