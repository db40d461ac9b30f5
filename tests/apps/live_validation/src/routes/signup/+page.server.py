"""A typed form validated live: the model's constraints (the browser checks them), a field
validator and a business rule (only the server knows them)."""

from lib import counts
from pydantic import BaseModel, Field, field_validator

from kite import limits

EMAIL = r"^[^@\s]+@[^@\s]+$"
TAKEN = {"taken@example.com"}


class Signup(BaseModel):
    email: str = Field(max_length=60, pattern=EMAIL)
    password: str = Field(min_length=8)
    age: int = Field(ge=18, le=130)
    nickname: str = Field("", max_length=20)

    @field_validator("nickname")
    @classmethod
    def not_reserved(cls, nickname: str) -> str:
        if nickname.lower() == "admin":
            raise ValueError("That nickname is reserved.")
        return nickname


forms = {"signup": Signup}


def load(event):
    counts.hit("load")
    return {}


async def email_is_free(event):
    """The business rule, on the email as sent, whatever else is wrong with the form."""
    counts.enter()
    try:
        email = str(event.form_data.get("email", "")).strip()
        if email.startswith("slow"):
            await counts.hold()
            return {"email": f"Slow answer about {email}."}
        if email in TAKEN:
            return {"email": "That email is already registered."}
        return None
    finally:
        counts.leave()


@limits(body="2K")
async def signup(event):
    counts.hit("action")
    form = await event.form(Signup)
    return {"welcome": form.email}


@limits(rate="2/minute")
async def rated(event):
    counts.hit("action")
    return {"ok": True}


async def plain(event):
    counts.hit("action")
    return {"ok": True}


def wrong(event):
    return ["not", "a", "dict"]


async def unvalidated(event):
    return {"ok": True}


validators = {"signup": [Signup, email_is_free], "rated": Signup, "unvalidated": wrong}
actions = {"signup": signup, "rated": rated, "plain": plain, "unvalidated": unvalidated}
