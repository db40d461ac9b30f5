"""Templates are found in src/ and src/lib/ (or beside the template, for ./ and ../), and
every template a route can reach is compiled once, at start-up (docs/layouts.md)."""

from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp, run_kite

from kite import create_app
from kite.exceptions import KiteError

APP = APPS / "template_lookup"


def test_names_resolve_from_src_lib_and_relatively(served_app: ServeApp) -> None:
    server = served_app(APP)
    home = server.client.get("/").text
    assert '<article class="card"><h2>Home</h2></article>' in home  # src/lib/components/
    blog = server.client.get("/blog").text
    assert '<div class="base">' in blog  # {% extends "base.html" %}: src/lib/base.html
    assert blog.count('<span class="mark">*</span></li>') == 2  # ./partials/, ../../shared/
    assert '<p id="version">1</p>' in blog  # {% from "lib/components/card.html" %}
    assert "<footer><small>made with kite</small></footer>" in blog  # "./credit.html" in lib
    about = server.client.get("/about").text
    assert '<h2>About</h2><p id="body">Hello</p>' in about
    assert "<small>made with kite</small>" in about  # the second of two names


def test_every_template_is_read_once(serve_app: ServeApp) -> None:
    server = serve_app(APP, env={"KITE_TEST_COUNT_READS": "1"})
    for path in ("/", "/blog", "/about", "/blog", "/about"):
        assert server.client.get(path).status_code == 200
    reads = server.client.get("/reads").json()
    missing = {"components/missing.html", "components/optional.html"}
    found = {name: count for name, count in reads.items() if name not in missing}
    assert set(found) >= {
        "routes/+page.html",
        "routes/blog/+page.html",
        "routes/blog/partials/row.html",
        "routes/shared/mark.html",
        "base.html",
        "components/card.html",
        "components/footer.html",
        "components/credit.html",
    }
    assert set(found.values()) == {1}, reads


def write(root: Path, files: dict[str, str]) -> Path:
    files = {"src/routes/+page.html": "<h1>home</h1>", **files}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


PAGE = "src/routes/x/+page.html"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {PAGE: "\n{% include 'row.html' %}"},
            [
                'x/+page.html, line 2: {% include %} pulls in "row.html", which does not exist',
                "looked up in src/",
                "then in src/lib/",
            ],
        ),
        (
            {
                PAGE: "{% extends 'base.html' %}",
                "src/lib/base.html": "\n\n{% include 'nav.html' %}",
            },
            ['lib/base.html, line 3: {% include %} pulls in "nav.html"'],
        ),
        (
            {PAGE: "{% include './row.html' %}", "src/routes/row.html": "wrong folder"},
            ['x/+page.html, line 1: {% include %} pulls in "./row.html"'],
        ),
        (
            {PAGE: "{% include '../../../../etc/passwd' %}"},
            ['pulls in "../../../../etc/passwd", which does not exist'],
        ),
        (
            {PAGE: "{% include ['a.html', 'b.html'] %}"},
            ['pulls in "a.html" nor "b.html", which does not exist'],
        ),
        (
            {PAGE: "{% include 'ui.html' %}", "src/lib/ui.html": "ok\n{% if %}"},
            [
                "lib/ui.html:2: template syntax error",
                "(pulled in by {% include %} in ",
                "x/+page.html, line 1)",
            ],
        ),
        (
            {
                PAGE: "{% include './a.html' %}",
                "src/routes/x/a.html": "{% import 'ui.html' as ui %}",
                "src/lib/ui.html": "{% macro b() %}{% endmacr %}",
            },
            [
                "lib/ui.html:1: template syntax error",
                "{% import %} in ",
                "x/a.html, line 1",
                "reached from ",
                "x/+page.html",
            ],
        ),
        (
            {
                PAGE: "{% from 'ui.html' import button, card %}",
                "src/lib/ui.html": "{% macro button() %}{% endmacro %}{% set size = 1 %}",
            },
            [
                "x/+page.html, line 1: {% from %} imports card from ",
                "lib/ui.html",
                "(it defines: button, size)",
            ],
        ),
        (
            {PAGE: "{% if %}"},
            ["x/+page.html:1: template syntax error"],
        ),
    ],
)
def test_a_missing_or_broken_template_stops_the_app(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    with pytest.raises(KiteError) as caught:
        create_app(write(tmp_path / "app", files))
    for fragment in expected:
        assert fragment in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    "page",
    [
        "{% include 'row.html' ignore missing %}",
        "{% include row_template %}",  # not a literal: only render time can tell
        "{% from 'ui.html' import whatever %}",  # ui.html extends another: not checked
    ],
)
def test_what_cannot_be_checked_is_left_to_render_time(tmp_path: Path, page: str) -> None:
    files = {PAGE: page, "src/lib/ui.html": "{% extends 'base.html' %}", "src/lib/base.html": ""}
    create_app(write(tmp_path / "app", files))


def test_kite_start_stops_naming_both_files(tmp_path: Path) -> None:
    app = write(tmp_path / "app", {PAGE: "<p>\n{% include 'lib/card.html' %}</p>"})
    result = run_kite("start", app, "--port", "1")
    assert result.returncode == 1
    assert 'x/+page.html, line 2: {% include %} pulls in "lib/card.html"' in result.stderr
