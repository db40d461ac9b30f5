"""`kite build`: what it writes, that a plain static file server serves it, and the pages
it refuses to prerender, naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import APPS
from support.building import copy_app, http_server_command, kite_build
from support.servers import free_port, running_server


def make_app(root: Path, files: dict[str, str]) -> Path:
    for name, content in {"src/routes/+page.html": "<h1>home</h1>", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = copy_app(APPS / "page_options", tmp_path_factory.mktemp("build") / "app")
    result = kite_build(app, env={"RENDER_MARK": "build"})
    assert result.returncode == 0, result.stderr
    assert "Prerendered 6 page(s)" in result.stdout
    return app


def test_build_writes_pages_static_files_and_the_runtime(built: Path) -> None:
    out = built / "build"
    manifest = json.loads((out / ".kite-build.json").read_text())
    assert manifest["pages"] == {
        "/about": "about.html",
        "/blog": "blog.html",
        "/blog/hello": "blog/hello.html",
        "/blog/unlinked": "blog/unlinked.html",
        "/blog/second": "blog/second.html",
        "/docs/guide/": "docs/guide/index.html",
    }
    # Each page also as folder/index.html, for servers without "clean URLs".
    assert (out / "about.html").read_text() == (out / "about" / "index.html").read_text()
    assert not (out / "docs" / "guide.html").exists()  # trailing_slash = "always"
    # Pages that are not prerendered are not written.
    assert not (out / "plain.html").exists() and not (out / "index.html").exists()
    assert (out / "style.css").read_text() == (built / "static" / "style.css").read_text()
    page = (out / "about.html").read_text()
    start = page.split('<script type="module" src="')[1].split('"')[0]
    assert start.startswith("/_kite/") and (out / start.lstrip("/")).is_file()
    assert (out / "_kite" / "forms.js").is_file()


def test_a_second_build_replaces_the_first(built: Path) -> None:
    stale = built / "build" / "stale.html"
    stale.write_text("old")
    result = kite_build(built)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert not (built / "build.partial").exists()


def test_the_build_works_on_a_plain_static_file_server(built: Path, tmp_path: Path) -> None:
    port = free_port()
    command = http_server_command(built / "build", port)
    with running_server(command, port=port, log_path=tmp_path / "log") as server:
        # http.server sends /about to /about/, and serves about/index.html there.
        redirect = server.client.get("/about")
        assert redirect.status_code == 301
        page = server.client.get("/about/")
        assert page.status_code == 200
        assert '<h1 id="title">About</h1>' in page.text
        assert server.client.get("/blog/second/").status_code == 200
        assert server.client.get("/style.css").status_code == 200
        start = page.text.split('<script type="module" src="')[1].split('"')[0]
        script = server.client.get(start)
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]


@pytest.mark.parametrize(
    ("files", "file", "message"),
    [
        (
            {
                "src/routes/x/+page.server.py": (
                    "prerender = True\nactions = {'default': lambda event: None}\n"
                ),
                "src/routes/x/+page.html": "x",
            },
            "src/routes/x/+page.server.py",
            "a page with actions cannot be prerendered",
        ),
        (
            {
                "src/routes/x/+page.server.py": (
                    "prerender = True\n\ndef load(event):\n"
                    "    return {'v': event.cookies.get('s')}\n"
                ),
                "src/routes/x/+page.html": "x",
            },
            "src/routes/x/+page.server.py:4",
            "uses event.cookies while `kite build` prerenders the page",
        ),
        (
            {
                "src/routes/+layout.server.py": (
                    "def load(event):\n    return {'user': getattr(event.locals, 'user', None)}\n"
                ),
                "src/routes/x/+page.server.py": "prerender = True\n",
                "src/routes/x/+page.html": "x",
            },
            "src/routes/+layout.server.py:2",
            "uses event.locals while `kite build` prerenders the page",
        ),
        (
            {
                "src/routes/blog/[slug]/+page.server.py": "prerender = True\n",
                "src/routes/blog/[slug]/+page.html": "x",
            },
            "src/routes/blog/[slug]/+page.server.py",
            "prerender = True, but kite build found no URL of the route /blog/[slug]",
        ),
        (
            {
                "src/routes/blog/[slug]/+page.server.py": (
                    "prerender = True\ndef entries():\n    return [{'id': '1'}]\n"
                ),
                "src/routes/blog/[slug]/+page.html": "x",
            },
            "src/routes/blog/[slug]/+page.server.py",
            "entries() gave {'id': '1'}, but the parameter 'slug' is missing",
        ),
        (
            {
                "src/routes/x/+page.server.py": (
                    "from kite import error\nprerender = True\n"
                    "def load(event):\n    error(500, 'broken')\n"
                ),
                "src/routes/x/+page.html": "x",
            },
            "src/routes/x/+page.server.py",
            "GET /x answered 500 while prerendering",
        ),
    ],
)
def test_build_refuses_pages_it_cannot_prerender(
    tmp_path: Path, files: dict[str, str], file: str, message: str
) -> None:
    app = make_app(tmp_path / "app", files)
    result = kite_build(app)
    assert result.returncode == 1
    assert f"{app / file}" in result.stderr
    assert message in result.stderr
    assert not (app / "build").exists() and not (app / "build.partial").exists()


def test_build_never_empties_a_folder_it_did_not_write(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", {"build/notes.txt": "mine", "kite.toml": ""})
    result = kite_build(app)
    assert result.returncode == 1
    assert "holds files that kite build did not write" in result.stderr
    assert (app / "build" / "notes.txt").read_text() == "mine"


def test_the_output_folder_is_a_setting(tmp_path: Path) -> None:
    files = {
        "kite.toml": '[build]\noutput = "public"\n',
        "src/routes/+page.server.py": "prerender = True\n",
    }
    app = make_app(tmp_path / "app", files)
    result = kite_build(app)
    assert result.returncode == 0, result.stderr
    assert (app / "public" / "index.html").is_file()


def test_handle_may_read_cookies_while_the_build_runs(tmp_path: Path) -> None:
    """As in SvelteKit, `handle` runs for the build's requests (with no cookies); only the
    loads of a prerendered page may not depend on the visitor."""
    files = {
        "src/hooks.server.py": (
            "async def handle(event, resolve):\n"
            "    event.locals.user = event.cookies.get('session')\n"
            "    return await resolve(event)\n"
        ),
        "src/routes/+page.server.py": "prerender = True\n\ndef load(event):\n    return {'n': 1}\n",
        "src/routes/+page.html": "<h1>home {{ data.n }}</h1>",
    }
    app = make_app(tmp_path / "app", files)
    result = kite_build(app)
    assert result.returncode == 0, result.stderr
    assert "<h1>home 1</h1>" in (app / "build" / "index.html").read_text()


@pytest.mark.parametrize("output", ["static", "static/out", "..", "src/x"])
def test_the_output_folder_cannot_overlap_the_app(tmp_path: Path, output: str) -> None:
    files = {"kite.toml": f'[build]\noutput = "{output}"\n', "static/logo.txt": "logo"}
    app = make_app(tmp_path / "app", files)
    result = kite_build(app)
    assert result.returncode == 1
    assert "would overlap the app's src/ or static/" in result.stderr
    assert (app / "static" / "logo.txt").read_text() == "logo"


@pytest.mark.parametrize(
    "toml", ["[build]\noutput = 3\n", '[build]\noutput = ""\n', "[build]\nout = 'x'\n"]
)
def test_a_bad_output_setting_names_kite_toml(tmp_path: Path, toml: str) -> None:
    app = make_app(tmp_path / "app", {"kite.toml": toml})
    result = kite_build(app)
    assert result.returncode == 1
    assert f"{app / 'kite.toml'}: " in result.stderr
    assert "build.out" in result.stderr
