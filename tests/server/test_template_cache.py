"""Compiled templates kept between starts (`[render] template_cache`, server/template_cache.py):
a second start compiles nothing it compiled before, an edited template (or filter) compiles
again with every start-up check, and a cache that cannot be written never stops the app."""

import marshal
from pathlib import Path

import pytest
from support.servers import ServeApp, run_kite

from kite import create_app
from kite.config import load_settings
from kite.exceptions import KiteError
from kite.testing import Client

# configure_templates notes every template Jinja compiles (its own `compile`, observed).
HOOKS = """
from pathlib import Path

LOG = Path(__file__).parent.parent / "compiled.txt"


def shout(text):
    return text.{case}()


def configure_templates(environment):
    environment.filters["shout"] = shout
    original = environment.compile

    def compile(source, name=None, filename=None, raw=False, defer_init=False):
        with LOG.open("a") as log:
            log.write(f"{{name}}\\n")
        return original(source, name, filename, raw, defer_init)

    environment.compile = compile
"""

PAGE = "src/routes/+page.html"
ROW = "src/lib/row.html"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def make_app(root: Path, *, case: str = "upper", toml: str = "") -> Path:
    files = {
        "src/hooks.server.py": HOOKS.format(case=case),
        PAGE: "<h1>home</h1>{% include 'row.html' %}",
        # A filter on a constant runs when the template compiles: its result is in the code.
        ROW: "<p>{{ 'hi' | shout }}</p>",
    }
    if toml:
        files["kite.toml"] = toml
    return write(root, files)


def compiled(app: Path) -> list[str]:
    """The templates compiled since the last call."""
    log = app / "compiled.txt"
    names = log.read_text().split() if log.exists() else []
    log.unlink(missing_ok=True)
    return names


def home(app: Path) -> str:
    with Client(create_app(app)) as client:
        response = client.get("/")
        assert response.status_code == 200, response.text
        return response.text


def test_a_second_start_compiles_only_what_changed(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    assert "<h1>home</h1><p>HI</p>" in home(app)
    assert sorted(compiled(app)) == ["routes/+page.html", "row.html"]
    assert (app / ".kite/cache/templates/templates.marshal").is_file()

    assert "<h1>home</h1><p>HI</p>" in home(app)
    assert compiled(app) == []  # read from the cache, with what the start-up check needs

    write(app, {ROW: "<p>{{ 'edited' | shout }}</p>"})
    assert "<p>EDITED</p>" in home(app)
    assert compiled(app) == ["row.html"]


def test_a_changed_filter_compiles_the_templates_again(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    assert "<p>HI</p>" in home(app)
    make_app(app, case="lower")
    assert "<p>hi</p>" in home(app)
    assert "row.html" in compiled(app)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({ROW: "<p>\n{% if %}</p>"}, ["lib/row.html:2: template syntax error", "+page.html"]),
        ({ROW: "{% include 'gone.html' %}"}, ['row.html, line 1: {% include %} pulls in "gone']),
        ({PAGE: "{% block a %}{% endblock %}{% block a %}{% endblock %}"}, ["defined twice"]),
    ],
)
def test_an_edit_that_breaks_a_template_stops_start_up_though_the_cache_held_it(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    app = make_app(tmp_path / "app")
    home(app)
    write(app, files)
    with pytest.raises(KiteError) as caught:
        create_app(app)
    for fragment in expected:
        assert fragment in str(caught.value), str(caught.value)
    result = run_kite("start", app, "--port", "1")
    assert result.returncode == 1
    assert expected[0] in result.stderr


@pytest.mark.parametrize(
    "blocked",
    [
        "file",  # the folder cannot be made: a file is in the way
        "target",  # the folder exists, its file cannot be written: a folder is in the way
    ],
)
def test_a_cache_that_cannot_be_written_is_not_used(tmp_path: Path, blocked: str) -> None:
    app = make_app(tmp_path / "app")
    cache = app / ".kite/cache/templates"
    if blocked == "file":
        cache.parent.mkdir(parents=True)
        cache.write_text("not a folder")
    else:
        (cache / "templates.marshal").mkdir(parents=True)
    for _ in range(2):
        assert "<p>HI</p>" in home(app)
        assert sorted(compiled(app)) == ["routes/+page.html", "row.html"]


def test_a_corrupt_cache_file_is_compiled_over(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app")
    home(app)
    compiled(app)
    (app / ".kite/cache/templates/templates.marshal").write_bytes(b"\x00garbage")
    assert "<p>HI</p>" in home(app)
    assert sorted(compiled(app)) == ["routes/+page.html", "row.html"]
    home(app)
    assert compiled(app) == []


@pytest.mark.parametrize("broken", ["facts", "code", "entry"])
def test_a_cache_file_of_another_shape_is_compiled_over(tmp_path: Path, broken: str) -> None:
    app = make_app(tmp_path / "app")
    home(app)
    compiled(app)
    path = app / ".kite/cache/templates/templates.marshal"
    shape, fingerprint, entries = marshal.loads(path.read_bytes())
    for key, (checksum, facts, code) in entries.items():
        entries[key] = {
            "facts": (checksum, ((1,),), code),
            "code": (checksum, facts, "not code"),
            "entry": "not an entry",
        }[broken]
    path.write_bytes(marshal.dumps((shape, fingerprint, entries)))
    assert "<p>HI</p>" in home(app)
    assert sorted(compiled(app)) == ["routes/+page.html", "row.html"]


def test_the_cache_can_be_moved_or_switched_off(tmp_path: Path) -> None:
    app = make_app(tmp_path / "app", toml='[render]\ntemplate_cache = "var/templates"\n')
    home(app)
    assert (app / "var/templates/templates.marshal").is_file()
    assert not (app / ".kite/cache/templates").exists()

    off = make_app(tmp_path / "off", toml="[render]\ntemplate_cache = false\n")
    for _ in range(2):
        home(off)
        assert sorted(compiled(off)) == ["routes/+page.html", "row.html"]
    assert not (off / ".kite/cache/templates").exists()


def test_template_cache_setting(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={}).template_cache == ".kite/cache/templates"
    assert load_settings(tmp_path, environ={"KITE_TEMPLATE_CACHE": "off"}).template_cache is None
    assert load_settings(tmp_path, environ={"KITE_TEMPLATE_CACHE": "/c"}).template_cache == "/c"
    # From the environment, "true" is the default folder, not a folder named "true".
    on = load_settings(tmp_path, environ={"KITE_TEMPLATE_CACHE": "True"}).template_cache
    assert on == ".kite/cache/templates"
    (tmp_path / "kite.toml").write_text("[render]\ntemplate_cache = 3\n")
    with pytest.raises(KiteError, match=r"render\.template_cache"):
        load_settings(tmp_path, environ={})


def test_more_templates_than_jinjas_default_cache_compile_once(tmp_path: Path) -> None:
    # Jinja keeps 400 compiled templates by default; start-up's checks compiled an app of
    # more twice, and its renders again.
    files = {f"src/routes/r{i}/+page.html": f"<p>{i}</p>" for i in range(450)}
    app = make_app(tmp_path / "app", toml="[render]\ntemplate_cache = false\n")
    write(app, files)
    with Client(create_app(app)) as client:
        for i in (0, 1, 449):
            assert client.get(f"/r{i}").text.count(f"<p>{i}</p>") == 1
    names = compiled(app)
    assert len(names) == len(set(names)) == 452


def test_kite_start_reads_the_cache_and_sees_edits(tmp_path: Path, serve_app: ServeApp) -> None:
    app = make_app(tmp_path / "app")
    first = serve_app(app)
    assert "<p>HI</p>" in first.client.get("/").text
    first.stop()
    write(app, {PAGE: "<h2>edited</h2>{% include 'row.html' %}"})
    compiled(app)
    second = serve_app(app)
    assert "<h2>edited</h2><p>HI</p>" in second.client.get("/").text
    assert compiled(app) == ["routes/+page.html"]


def test_what_the_check_learnt_comes_back_from_the_cache(tmp_path: Path) -> None:
    # Whether a page can use the runtime (so its load data is sealed for it) is learnt from
    # its templates at start-up; from the cache, it must come out the same.
    app = make_app(tmp_path / "app")
    write(
        app,
        {
            "src/routes/form/+page.server.py": "def load(event):\n    return {'n': 1}\n",
            "src/routes/form/+page.html": "{% include 'form.html' %}",
            "src/lib/form.html": '<form method="post" use:enhance><button>go</button></form>',
            "src/routes/plain/+page.server.py": "def load(event):\n    return {'n': 1}\n",
            "src/routes/plain/+page.html": "<p>{{ data.n }}</p>",
        },
    )
    for cached in (False, True):
        with Client(create_app(app)) as client:
            enhanced, plain = client.get("/form").text, client.get("/plain").text
        assert '"token":null' not in enhanced
        assert '"token":null' in plain
        assert ("form.html" in compiled(app)) is not cached


EXTENSION = '''
from jinja2.ext import Extension


class Quiet(Extension):
    """Parses as Jinja does; {version}"""
'''


QUIET = "src/kite_cache_test_quiet.py"


def test_an_edited_extension_compiles_the_templates_again(tmp_path: Path) -> None:
    # An extension takes part in parsing, so its code is part of the key, not only its name.
    app = make_app(tmp_path / "app")
    hooks = app / "src/hooks.server.py"
    # A module name of its own: another app's `lib` must not be this one's (sys.modules).
    extension = "    environment.add_extension('kite_cache_test_quiet.Quiet')\n"
    hooks.write_text(hooks.read_text() + extension, encoding="utf-8")
    write(app, {QUIET: EXTENSION.format(version="first")})
    assert "<p>HI</p>" in home(app)
    assert sorted(compiled(app)) == ["routes/+page.html", "row.html"]
    assert "<p>HI</p>" in home(app)
    assert compiled(app) == []
    write(app, {QUIET: EXTENSION.format(version="second")})
    assert "<p>HI</p>" in home(app)
    assert sorted(compiled(app)) == ["routes/+page.html", "row.html"]
