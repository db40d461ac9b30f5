"""A Starlette app with a Kite app mounted under /kite, as users mount one in FastAPI."""

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

import kite


async def home(request):
    return PlainTextResponse("starlette home")


app = Starlette(
    routes=[
        Route("/", home),
        Mount("/kite", app=kite.create_app(Path(__file__).parent.parent / "basics")),
    ]
)
