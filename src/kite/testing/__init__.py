"""Test a Kite app in process, as a browser would use it: `kite.testing.Client`.

::

    from kite.testing import Client

    def test_login() -> None:
        with Client("path/to/app") as client:
            page = client.action("/login", "login", {"email": "ada@example.com"})
            assert page.status_code == 400

            result = client.action("/login", "login", {"email": ""}, enhanced=True).result
            assert result.type == "failure"

With pytest, the `client` fixture (Kite's pytest plugin, `kite.pytest_plugin`) gives a
client for the app the tests live in, with no set-up code. Needs `httpx`. See
docs/testing.md.
"""

try:
    import httpx  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "kite.testing sends its requests with httpx, which is not installed: pip install httpx",
        name=exc.name,
    ) from exc

from kite.testing._async import AsyncClient
from kite.testing._lifespan import LifespanError
from kite.testing._requests import FileValue, FormData, Headers
from kite.testing._response import ActionResult, NotAnActionResult, Response
from kite.testing._sync import Client

__all__ = [
    "ActionResult",
    "AsyncClient",
    "Client",
    "FileValue",
    "FormData",
    "Headers",
    "LifespanError",
    "NotAnActionResult",
    "Response",
]
