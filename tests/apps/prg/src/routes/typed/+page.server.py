from typing import Any

from pydantic import BaseModel, Field, SecretStr

from kite import RequestEvent


class Login(BaseModel):
    email: str = Field(min_length=3)
    secret_code: SecretStr = Field(min_length=8)


forms = {"login": Login}


async def _default(event: RequestEvent) -> dict[str, Any]:
    form = await event.form(Login)
    return {"email": form.email, "code": form.secret_code}
actions = {"default": _default}
