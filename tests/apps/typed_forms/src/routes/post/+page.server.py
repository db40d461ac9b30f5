from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kite import Textarea


class Post(BaseModel):
    # The browser checks this pattern too (escaped for its `v` flag)...
    title: str = Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    body: Annotated[str, Textarea] = Field(min_length=10, max_length=2000)
    tags: list[Literal["news", "tech", "life"]] = []
    # ...but not this one: `(?i)` has no HTML form, so the server alone checks it.
    code: str = Field(default="", pattern=r"(?i)^[a-z]*$")


forms = {"post": Post}


async def publish(event):
    post = await event.form(Post)
    return {"published": post.title, "tags": post.tags, "lines": post.body.splitlines()}


actions = {"default": publish}
