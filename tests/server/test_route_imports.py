"""Route folders are packages: route modules import the files beside them, above them and
below them relatively, in folders of every kind (docs/routing.md)."""

import asyncio
import re
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import APPS
from support.servers import ServeApp, Server

from kite import create_app
from kite.exceptions import KiteError

APP = APPS / "route_imports"


@pytest.fixture
def server(served_app: ServeApp) -> Server:
    return served_app(APP)


def count(html: str) -> int:
    match = re.search(r'id="count">(\d+)<', html)
    assert match is not None, html
    return int(match.group(1))


def test_helpers_beside_routes_in_every_kind_of_folder(server: Server) -> None:
    # [slug]: a sibling (`from .post import Post`) and a grandparent (`from ...shared`).
    blog = server.client.get("/blog/hello-world")
    assert blog.status_code == 200
    assert "<h1>Hello World</h1>" in blog.text
    assert '<p id="module">kite_app.routes.blog._slug_.post</p>' in blog.text
    # [[lang]]: a sub-folder (`from .greet.pick`), which imports its parent's parent.
    assert "<h1>Hello</h1>" in server.client.get("/hello").text
    assert "<h1>Bonjour</h1>" in server.client.get("/fr/hello").text
    # [...rest]: an endpoint importing its sibling.
    assert server.client.get("/files/a/b/c").json() == {"path": "a/b/c", "depth": 3}
    # (group): the layout and the page below it import the group's own module.
    dashboard = server.client.get("/dashboard").text
    assert dashboard.count('class="item"') == 2 and "of 2 items" in dashboard
    # A folder with a dot in its name.
    sitemap = server.client.get("/sitemap.xml")
    assert sitemap.text == (
        "<urlset><url><loc>/</loc></url><url><loc>/dashboard</loc></url></urlset>"
    )


def test_an_imported_module_is_loaded_once(serve_app: ServeApp) -> None:
    server = serve_app(APP)
    before = count(server.client.get("/dashboard").text)
    headers = {"Origin": server.url, "Accept": "text/html"}
    for _ in range(2):
        response = server.client.post("/", data={"n": "1"}, headers=headers)
        assert response.status_code == 200
    # Three routes reach shared.py by three relative paths: all see the same counter.
    assert count(server.client.get("/").text) == before + 2
    assert count(server.client.get("/dashboard").text) == before + 2
    assert count(server.client.get("/blog/x").text) == before + 2


def write(root: Path, files: dict[str, str]) -> Path:
    files = {"src/routes/+page.html": "<h1>home</h1>", **files}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


async def fetch(app: Any, path: str) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return (await client.get(path)).text


def test_two_apps_in_one_process_keep_their_modules_apart(tmp_path: Path) -> None:
    apps = []
    for name in ("one", "two"):
        apps.append(
            create_app(
                write(
                    tmp_path / name,
                    {
                        "src/routes/[x]/value.py": f"VALUE = {name!r}\n",
                        "src/routes/[x]/+page.server.py": (
                            "from .value import VALUE\n\n"
                            "def load(event):\n    return {'value': VALUE}\n"
                        ),
                        "src/routes/[x]/+page.html": "<p>{{ data.value }}</p>",
                    },
                )
            )
        )
    assert "<p>one</p>" in asyncio.run(fetch(apps[0], "/a"))
    assert "<p>two</p>" in asyncio.run(fetch(apps[1], "/a"))


GAME = "class Game:\n    pass\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"game.py": GAME, "+page.server.py": "\nfrom .game import Gamee\n"},
            ["[w]/+page.server.py failed to import: ImportError", "Gamee", "(line 2)"],
        ),
        (
            {"+page.server.py": "from .gamee import Game\n"},
            ["ModuleNotFoundError", "There is no", "[w]/gamee.py (nor a folder"],
        ),
        (
            {"game.py": GAME, "+page.server.py": "from game import Game\n"},
            ["No module named 'game'", "import it relatively, `from .game import ...`"],
        ),
        (
            {"game.py": "\nx = undefined_name\n", "+page.server.py": "from .game import x\n"},
            ["NameError", "(at ", "[w]/game.py, line 2)"],
        ),
        (
            {"game.py": "def broken(:\n", "+page.server.py": "from .game import broken\n"},
            ["SyntaxError", "[w]/game.py, line 1)"],
        ),
        (
            {"+page.server.py": "from ...lib import db\n"},
            ["no further up than src/routes", "import lib.db"],
        ),
        (
            {"+page.server.py": "from ....lib import db\n"},
            ["beyond top-level package", "no further up than src/routes"],
        ),
    ],
)
def test_a_failing_import_names_the_file_and_line(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    app = write(tmp_path / "app", {f"src/routes/[w]/{k}": v for k, v in files.items()})
    with pytest.raises(KiteError) as caught:
        create_app(app)
    message = str(caught.value)
    for fragment in expected:
        assert fragment in message, message


def test_dev_reloads_a_changed_helper(tmp_path: Path, serve_app: ServeApp) -> None:
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    server = serve_app(app, dev=True)
    assert "<h1>Bonjour</h1>" in server.client.get("/fr/hello").text
    time.sleep(0.5)
    words = app / "src/routes/[[lang]]/words.py"
    words.write_text('WORDS = {"en": "Hello", "fr": "Salut"}\n', encoding="utf-8")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if "<h1>Salut</h1>" in server.client.get("/fr/hello").text:
                return
        except httpx.TransportError:  # restarting
            pass
        time.sleep(0.2)
    raise AssertionError(f"the change was not picked up\n{server.log_tail()}")
