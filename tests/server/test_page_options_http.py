"""Page options over HTTP (docs/page-options.md): csr, prerendered pages served by
`kite start` from the build, trailing_slash redirects, and bad values at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import APPS
from support.building import copy_app, kite_build
from support.servers import ServeApp, Server, free_port, kite_command, running_server

from kite.exceptions import KiteError
from kite.server.app import create_app


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = copy_app(APPS / "page_options", tmp_path_factory.mktemp("page_options") / "app")
    result = kite_build(app, env={"RENDER_MARK": "build"})
    assert result.returncode == 0, result.stderr
    return app


@pytest.fixture(scope="module")
def load_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("loads") / "loads.txt"


@pytest.fixture(scope="module")
def server(
    built: Path, load_log: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {"RENDER_MARK": "start", "LOAD_LOG": str(load_log)}
    with running_server(kite_command(built, port=port), port=port, log_path=log, env=env) as s:
        yield s


def loads_run(load_log: Path) -> list[str]:
    return load_log.read_text().split() if load_log.exists() else []


# --- csr -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/plain", "/quiet"])
def test_csr_false_pages_have_no_script_at_all(server: Server, path: str) -> None:
    body = server.client.get(path).text
    assert "<h1" in body
    assert "<script" not in body
    assert "/_kite/" not in body


@pytest.mark.parametrize("path", ["/", "/quiet/loud"])
def test_other_pages_load_the_runtime(server: Server, path: str) -> None:
    body = server.client.get(path).text
    assert '<script type="importmap">' in body
    assert 'id="kite-page"' in body


def test_a_form_on_a_csr_false_page_posts_as_usual(server: Server) -> None:
    response = server.client.post(
        "/plain", data={"name": "Ada"}, headers={"origin": server.url, "accept": "text/html"}
    )
    assert response.status_code == 200
    assert '<p id="echo">Ada</p>' in response.text
    assert "<script" not in response.text


# --- prerendered pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/about", "About"),
        ("/blog", "Blog"),
        ("/blog/hello", "Hello, world"),  # from entries()
        ("/blog/unlinked", "Only in entries"),  # from entries(), linked from nowhere
        ("/blog/second", "The second post"),  # found through the link on /blog
        ("/docs/guide/", "Guide"),  # prerender = "auto"
    ],
)
def test_kite_start_serves_the_build_without_running_loads(
    server: Server, load_log: Path, path: str, title: str
) -> None:
    before = loads_run(load_log)
    response = server.client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<h1 id="title">{title}</h1>' in response.text
    if "/blog/" in path or path == "/about":  # these pages show the layout's mark
        # RENDER_MARK was "build" when kite build ran the loads and is "start" now.
        assert '<p id="mark">build</p>' in response.text
    assert loads_run(load_log) == before
    # The security headers of any page.
    assert response.headers["x-content-type-options"] == "nosniff"


def test_dynamic_pages_still_run_their_loads(server: Server, load_log: Path) -> None:
    before = loads_run(load_log)
    body = server.client.get("/").text
    assert '<p id="mark">start</p>' in body
    assert loads_run(load_log) == [*before, "layout"]
    # Nothing changed since the build: no warning that it is out of date.
    assert "out of date" not in server.log()


def test_a_prerender_true_url_the_build_did_not_write_is_404(
    server: Server, load_log: Path
) -> None:
    before = loads_run(load_log)
    response = server.client.get("/blog/unknown", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "post" not in loads_run(load_log)[len(before) :]


def test_a_prerendered_page_has_no_data_token(built: Path) -> None:
    page = (built / "build" / "about.html").read_text()
    assert '"token":null' in page
    assert '"dev":false' in page


def test_prerendered_pages_answer_head_and_only_get(server: Server) -> None:
    assert server.client.head("/about").status_code == 200
    response = server.client.post("/about", headers={"origin": server.url})
    assert response.status_code == 405


# --- trailing_slash ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "location"),
    [
        ("GET", "/about/", "/about"),  # "never", the default
        ("POST", "/plain/?x=1", "/plain?x=1"),
        ("GET", "/docs", "/docs/"),  # "always", from the docs layout
        ("GET", "/docs/guide?a=b", "/docs/guide/?a=b"),  # inherited
        ("PUT", "/docs", "/docs/"),
    ],
)
def test_trailing_slash_redirects_with_308(
    server: Server, method: str, path: str, location: str
) -> None:
    response = server.client.request(method, path, headers={"origin": server.url})
    assert response.status_code == 308
    assert response.headers["location"] == location


@pytest.mark.parametrize("path", ["/loose", "/loose/"])
def test_trailing_slash_ignore_answers_both(server: Server, path: str) -> None:
    response = server.client.get(path)
    assert response.status_code == 200
    assert f'<p id="path">{path}</p>' in response.text


def test_always_pages_are_served_with_their_slash(server: Server) -> None:
    assert server.client.get("/docs/").status_code == 200


# --- without a build, and bad values ---------------------------------------------------------


def test_without_a_build_prerender_pages_render_on_request(tmp_path: Path) -> None:
    app = copy_app(APPS / "page_options", tmp_path / "app")
    port = free_port()
    env = {"RENDER_MARK": "start"}
    log = tmp_path / "server.log"
    with running_server(kite_command(app, port=port), port=port, log_path=log, env=env) as s:
        body = s.client.get("/about").text
        assert '<p id="mark">start</p>' in body
        assert "have prerender = True, but" in s.log()
        assert "Run `kite build` to prerender them" in s.log()


def test_kite_dev_renders_prerender_pages_on_each_request(built: Path, serve_app: ServeApp) -> None:
    server = serve_app(built, dev=True, env={"RENDER_MARK": "dev"})
    assert '<p id="mark">dev</p>' in server.client.get("/about").text


def test_kite_start_warns_when_src_changed_after_the_build(tmp_path: Path) -> None:
    app = copy_app(APPS / "page_options", tmp_path / "app")
    assert kite_build(app).returncode == 0
    (app / "src" / "routes" / "about" / "+page.html").write_text("<h1>Changed</h1>")
    port = free_port()
    log = tmp_path / "server.log"
    with running_server(kite_command(app, port=port), port=port, log_path=log) as s:
        assert "prerendered pages may be out of date. Run `kite build` again." in s.log()
        # Still the build's page until it is built again.
        assert '<h1 id="title">About</h1>' in s.client.get("/about").text


def make_app(root: Path, files: dict[str, str]) -> Path:
    for name, content in {"src/routes/+page.html": "<h1>home</h1>", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("file", "source", "message"),
    [
        ("x/+page.server.py", 'csr = "no"\n', "csr = 'no' is not a valid value"),
        ("+layout.server.py", "prerender = 1\n", "prerender = 1 is not a valid value"),
        ("x/+page.server.py", 'trailing_slash = "sometimes"\n', "trailing_slash = 'sometimes'"),
        ("x/+page.server.py", 'trailingSlash = "always"\n', "'trailingSlash' is not a page option"),
        ("x/+page.server.py", "entries = [1]\n", "'entries' must be a function"),
        ("+layout.server.py", "def entries(): return []\n", "'entries' belongs in the +page"),
    ],
)
def test_bad_option_values_stop_the_app_naming_the_file(
    tmp_path: Path, file: str, source: str, message: str
) -> None:
    app = make_app(tmp_path, {f"src/routes/{file}": source, "src/routes/x/+page.html": "x"})
    with pytest.raises(KiteError) as caught:
        create_app(app)
    assert str(tmp_path / "src" / "routes" / file) in str(caught.value)
    assert message in str(caught.value)
