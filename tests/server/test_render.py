"""Template rendering details that users rely on."""

from pathlib import Path

from kite.server.render import PageState, Renderer


def make_renderer(tmp_path: Path, templates: dict[str, str]) -> Renderer:
    for name, text in templates.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Renderer(tmp_path, dev=False)


def render(renderer: Renderer, name: str, form: object = None) -> str:
    page = PageState(url="/", params={}, route=None, form=form)
    return renderer.render_document([(name, {})], page)


def test_dict_keys_win_over_dict_methods(tmp_path: Path) -> None:
    renderer = make_renderer(tmp_path, {"p.html": "{{ form.values.email }}|{{ form.items }}"})
    html = render(renderer, "p.html", {"values": {"email": "a@b.c"}, "items": 3})
    assert "a@b.c|3" in html


def test_missing_form_values_render_empty(tmp_path: Path) -> None:
    renderer = make_renderer(
        tmp_path,
        {"p.html": "[{% if form.missing %}x{% endif %}{{ form.email or '' }}{{ form.a.b.c }}]"},
    )
    assert "[]" in render(renderer, "p.html", None)


def test_tojson_writes_what_json_stringify_would(tmp_path: Path) -> None:
    renderer = make_renderer(tmp_path, {"p.html": "{{ form | tojson }}"})
    html = render(renderer, "p.html", {"b": 1, "a": "</script>"})
    assert '{"b":1,"a":"\\u003c/script\\u003e"}' in html


def test_head_tag_goes_into_the_shell_head(tmp_path: Path) -> None:
    renderer = make_renderer(
        tmp_path,
        {
            "app.html": "<head>%kite.head%</head><body>%kite.body%</body>",
            "p.html": "{% head %}<title>T</title>{% endhead %}<p>body</p>",
        },
    )
    assert render(renderer, "p.html") == "<head><title>T</title></head><body><p>body</p></body>"
