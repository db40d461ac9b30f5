"""Kite's Jinja environment writes exactly what Jinja's own would, through its cheaper
`{{ value }}` and render start."""

from __future__ import annotations

import enum
import traceback
from decimal import Decimal
from typing import Any

import jinja2
import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kite.server.jinja import KiteEnvironment, escape_output, render_template


class Color(enum.IntEnum):
    RED = 1


class Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


class Text:
    def __str__(self) -> str:
        return "<i>&'\"</i>"


class Word(str):
    pass


VALUES: list[Any] = [
    "",
    "plain",
    "<script>alert('x')</script> & \"quoted\"",
    "é ü 🪁 \u2028",
    0,
    -17,
    10**40,
    True,
    False,
    None,
    1.5,
    float("nan"),
    Decimal("1.10"),
    Color.RED,
    markupsafe.Markup("<b>kept</b>"),
    Html(),
    Text(),
    Word("<word>"),
    [1, "<"],
    {"a": "<"},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_output_writes_what_markupsafe_writes(value: Any) -> None:
    assert str(escape_output(value)) == str(markupsafe.escape(value))


@given(st.text())
def test_escape_output_of_any_text(text: str) -> None:
    assert escape_output(text) == str(markupsafe.escape(text))


def test_undefined_values_write_nothing() -> None:
    assert escape_output(jinja2.ChainableUndefined(name="missing")) == ""
    with pytest.raises(jinja2.UndefinedError):
        escape_output(jinja2.StrictUndefined(name="missing"))


TEMPLATES = {
    "base.html": (
        "<title>{% block title %}{{ title }}{% endblock %}</title>{% block body %}{% endblock %}"
    ),
    "macros.html": (
        '{% macro field(name, value) %}<input name="{{ name }}" value="{{ value }}">'
        "{% endmacro %}{% macro shout() %}<em>{{ caller() }}</em>{% endmacro %}"
    ),
    "row.html": "<li>{{ item.name }} ({{ item['count'] }})</li>",
    "page.html": """{% extends "base.html" %}
{% from "macros.html" import field, shout %}
{% block title %}{{ title | upper }} — {{ super() }}{% endblock %}
{% block body %}
{%- set greeting %}Hello <{{ user }}>{% endset -%}
<p>{{ greeting }}</p>
{{ field("email", user) }}
{% call shout() %}{{ user }} & co{% endcall %}
<ul>{% for item in items %}{% include "row.html" %}{% endfor %}</ul>
{% autoescape false %}<raw>{{ user }}</raw>{% endautoescape %}
{{ "<lit>" }} {{ 3 + 4 }} {{ items | length }} {{ range(3) | list }} {{ shared }}
{{ values.keys }} {{ missing.deeply.nested }} {{ trusted }} {{ "%s<" | format(user) }}
{% endblock %}""",
}

VARIABLES = {
    "title": "A & B",
    "user": "<ann>",
    "items": [{"name": "<x>", "count": 1}, {"name": "y&z", "count": -2}],
    "values": {"keys": "the key, not the method"},
    "trusted": markupsafe.Markup("<strong>trusted</strong>"),
}


def _environment(kind: type[jinja2.Environment]) -> jinja2.Environment:
    environment = kind(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
    )
    environment.globals["shared"] = "<global>"
    return environment


def test_pages_render_exactly_as_with_jinjas_own_environment() -> None:
    ours = _environment(KiteEnvironment)
    jinjas = _environment(jinja2.Environment)
    # Jinja's environment reads values.keys as the dict's method; compare without it.
    variables = {**VARIABLES, "values": {}}
    expected = jinjas.get_template("page.html").render(variables)
    assert render_template(ours.get_template("page.html"), variables) == expected
    assert ours.get_template("page.html").render(variables) == expected
    assert "&lt;ann&gt;" in expected and "<raw><ann></raw>" in expected


def test_the_cheaper_escape_is_the_one_templates_call() -> None:
    template = _environment(KiteEnvironment).get_template("row.html")
    # If a Jinja upgrade stops calling KiteTemplate._from_namespace, pages render the same
    # but slower: this says so.
    assert template.root_render_func.__globals__["escape"] is escape_output


def test_globals_and_template_globals_are_visible_and_variables_win() -> None:
    environment = _environment(KiteEnvironment)
    environment.globals["late"] = "added after the environment was made"
    template = environment.from_string(
        "{{ shared }}|{{ late }}|{{ own }}|{{ title }}", globals={"own": "per template"}
    )
    rendered = render_template(template, {"title": "t", "shared": "variable"})
    assert rendered == "variable|added after the environment was made|per template|t"
    assert (
        render_template(template, {})
        == "&lt;global&gt;|added after the environment was made|per template|"
    )


def test_errors_point_at_the_template_line() -> None:
    """As Template.render: the traceback ends at the template's line, not in compiled code."""
    environment = KiteEnvironment(
        loader=jinja2.DictLoader({"broken.html": "line one\n{{ 1 // zero }}"}), autoescape=True
    )
    with pytest.raises(ZeroDivisionError) as caught:
        render_template(environment.get_template("broken.html"), {"zero": 0})
    last = traceback.extract_tb(caught.value.__traceback__)[-1]
    assert (last.filename, last.lineno) == ("<template>", 2)


class Record(dict[str, Any]):
    @property
    def label(self) -> str:
        return "a property of a dict subclass"


ATTRIBUTE_CASES = [
    "{{ plain.name }}|{{ plain.missing }}|{{ plain.missing.deeper }}",
    "{{ plain.items() | list }}|{{ plain.get('name') }}|{{ plain.__class__.__name__ }}",
    "{{ nothing.name }}|{{ nothing.name.deeper }}|{{ nothing.__class__.__name__ }}",
    "{{ record.label }}|{{ record.name }}|{{ record.missing }}",
    "{{ word.upper() }}|{{ word.missing }}|{{ number.real }}|{{ items.0 }}",
    "{% if plain.missing is defined %}defined{% else %}undefined{% endif %}",
    "{{ absent.name }}|{{ absent.name.deeper }}",
]


def _render_both(source: str, variables: dict[str, Any], **options: Any) -> list[str]:
    """What Kite's environment and Jinja's own make of `source`: the page, or the error."""
    outcomes = []
    for kind in (KiteEnvironment, jinja2.Environment):
        environment = kind(autoescape=True, **options)
        try:
            outcomes.append(environment.from_string(source).render(variables))
        except jinja2.UndefinedError as exc:
            outcomes.append(f"UndefinedError: {exc}")
    return outcomes


@pytest.mark.parametrize("source", ATTRIBUTE_CASES)
@pytest.mark.parametrize("undefined", [jinja2.Undefined, jinja2.ChainableUndefined])
def test_attribute_lookups_answer_as_jinjas_own(
    source: str, undefined: type[jinja2.Undefined]
) -> None:
    variables = {
        "plain": {"name": "<n>"},
        "nothing": None,
        "record": Record(name="r"),
        "word": "w",
        "number": 7,
        "items": ["first"],
    }
    ours, jinjas = _render_both(source, variables, undefined=undefined)
    assert ours == jinjas


def test_strict_undefined_names_what_is_missing() -> None:
    environment = KiteEnvironment(undefined=jinja2.StrictUndefined)
    template = environment.from_string("{{ plain.missing }}")
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'missing'"):
        template.render(plain={"name": "n"})
    with pytest.raises(jinja2.UndefinedError, match="'None' has no attribute 'name'"):
        environment.from_string("{{ nothing.name }}").render(nothing=None)


def test_imports_see_the_globals_of_the_importing_template() -> None:
    source = '{% import "macros.html" as m with context %}{{ m.show() }}|{{ m.shown }}'
    macros = "{% set shown = own ~ '!' %}{% macro show() %}<{{ own }}>{% endmacro %}"
    outcomes = []
    for kind in (KiteEnvironment, jinja2.Environment):
        environment = kind(loader=jinja2.DictLoader({"macros.html": macros}), autoescape=True)
        template = environment.from_string(source, globals={"own": "per template"})
        outcomes.append(render_template(template, {}) if kind is KiteEnvironment else None)
        outcomes.append(template.render())
    assert outcomes[0] == outcomes[1] == outcomes[3] == "<per template>|per template!"


# Every kind of statement that writes output, at the top level of a template: the pieces
# Kite's code generator gathers into one list must come out in Jinja's order.
TOP_LEVEL = {
    "plain.html": "a{{ x }}b{% for i in items %}[{{ i }}{% else %}none{% endfor %}]c",
    "loops.html": (
        "{% for i in items %}{{ loop.index }}:{{ i }}{% if loop.last %}.{% endif %}{% endfor %}"
        "{% for row in tree recursive %}<{{ row.name }}{{ loop(row.children) }}>{% endfor %}"
        "{% for i in items if i is odd %}{{ i }}{% endfor %}"
    ),
    "blocks.html": "start{% block main %}main {{ x }}{% endblock %}end{{ self.main() }}",
    "statements.html": (
        "{% set y = x ~ '!' %}{{ y }}{% set z %}<{{ x }}>{% endset %}{{ z }}"
        "{% with w = 2 %}{{ w * 2 }}{% endwith %}{% filter upper %}up {{ x }}{% endfilter %}"
        "{% macro m(a) %}({{ a }}{{ caller() if caller }}){% endmacro %}{{ m(1) }}"
        "{% call m(2) %}called{% endcall %}{% autoescape false %}{{ '<raw>' }}{% endautoescape %}"
        "{% raw %}{{ not a tag }}{% endraw %}"
    ),
    "includes.html": (
        "before{% include 'part.html' %}middle{% include 'part.html' without context %}"
        "{% include 'missing.html' ignore missing %}after"
    ),
    "includes_with_context.html": "before{% include 'part.html' %}after{{ x }}",
    "child.html": (
        "ignored{% extends 'blocks.html' %}{% block main %}child {{ super() }}{% endblock %}"
    ),
    "imports.html": "{% import 'statements.html' as s %}{% from 'part.html' import p %}{{ p() }}x",
    "part.html": "{% macro p() %}macro{% endmacro %}part {{ x | default('no x') }}",
    "head.html": "{% head %}<title>{{ x }}</title>{% endhead %}body {{ x }}",
}


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_every_statement_comes_out_in_jinjas_order(name: str) -> None:
    from kite.server.render import HeadExtension

    variables = {
        "x": "<x>",
        "items": [1, 2, 3],
        "tree": [{"name": "a", "children": [{"name": "b", "children": []}]}],
    }
    outcomes = []
    for kind in (KiteEnvironment, jinja2.Environment):
        environment = kind(
            loader=jinja2.DictLoader(TOP_LEVEL), autoescape=True, extensions=[HeadExtension]
        )
        template = environment.get_template(name)
        outcomes.append(template.render(variables))
        outcomes.append("".join(template.generate(variables)))
    assert outcomes[0] == outcomes[1] == outcomes[2] == outcomes[3]


# Attribute lookups on loop variables and other locals are read in line (a plain dict's key
# without a call); anything that is not a plain dict still goes through getattr.
LOCAL_ATTRIBUTE_CASES = [
    "{% for value in values %}{{ value.name }}|{{ value.missing }}|{{ value.real }}|"
    "{{ value.__class__.__name__ }}|{{ value.label }};{% endfor %}",
    "{% for value in values %}{% if value.name %}y{% else %}n{% endif %}"
    "{{ value.name is defined }};{% endfor %}",
    "{% with first = values[0] %}{{ first.name }}{{ first.get('name') }}{% endwith %}",
    "{% macro show(row) %}<{{ row.name }}>{% endmacro %}{% for v in values %}{{ show(v) }}"
    "{% endfor %}",
]


@pytest.mark.parametrize("source", LOCAL_ATTRIBUTE_CASES)
@pytest.mark.parametrize("undefined", [jinja2.Undefined, jinja2.ChainableUndefined])
def test_attribute_lookups_on_locals_answer_as_jinjas_own(
    source: str, undefined: type[jinja2.Undefined]
) -> None:
    values = [{"name": "<n>"}, {"real": 1}, None, Record(name="r"), "word", 7, ["x"]]
    ours, jinjas = _render_both(source, {"values": values}, undefined=undefined)
    assert ours == jinjas and "UndefinedError" not in ours


def test_keys_of_a_local_dict_win_over_its_methods() -> None:
    environment = KiteEnvironment(autoescape=True)
    template = environment.from_string(
        "{% for row in rows %}{{ row.items }}|{{ row.keys }}|{{ row.get('items') }}{% endfor %}"
    )
    assert template.render(rows=[{"items": "<i>", "keys": 2}]) == "&lt;i&gt;|2|&lt;i&gt;"


def test_attribute_lookups_on_names_are_read_in_line() -> None:
    environment = KiteEnvironment(autoescape=True)
    source = environment.compile("{% for row in rows %}{{ row.name }}{% endfor %}", raw=True)
    assert "l_1_row['name'] if type(l_1_row) is dict" in source
    # A name the template may not be given is read in line too, its test for missing kept.
    source = environment.compile("{{ data.name }}", raw=True)
    assert "l_0_data['name'] if type(l_0_data) is dict" in source
    assert "environment.getattr((undefined(name='data') if l_0_data is missing" in source


INLINE_IF_CASES = [
    "{{ 'open' if x else 'done' }}",
    "{{ '<b>' if x else 'a & b' }}",
    "{{ 'open' if x }}",
    "{{ 1 if x else 2 }}",
    "{{ 'a' if x else y }}",
    "{% autoescape false %}{{ '<b>' if x else '&' }}{% endautoescape %}",
    "{% set s %}{{ 'on' if x else 'off' }}{% endset %}{{ s }}",
]


@pytest.mark.parametrize("source", INLINE_IF_CASES)
@pytest.mark.parametrize("x", [True, False])
def test_inline_ifs_write_what_jinjas_own_writes(source: str, x: bool) -> None:
    outcomes = []
    for kind in (KiteEnvironment, jinja2.Environment):
        for finalize in (None, lambda value: f"[{value}]"):
            environment = kind(autoescape=True, finalize=finalize)
            template = environment.from_string(source)
            outcomes.append(template.render(x=x, y="<y>"))
    assert outcomes[0] == outcomes[2]
    assert outcomes[1] == outcomes[3]


def test_inline_ifs_of_plain_texts_are_not_escaped_at_run_time() -> None:
    source = KiteEnvironment(autoescape=True).compile("{{ 'a' if x else 'b' }}", raw=True)
    assert "escape(" not in source
    source = KiteEnvironment(autoescape=True).compile("{{ '<a>' if x else 'b' }}", raw=True)
    assert "escape(" in source


# Names set later in their scope, in loops, macros, blocks, with and call blocks: the
# variable read in line is always bound, and the outcome (or error) is Jinja's.
SCOPE_CASES = [
    "{{ x.a }}{% set x = {'a': 1} %}{{ x.a }}",
    "{% for i in items %}{{ x.a }}{% set x = i %}{{ x.a }}{% endfor %}",
    "{% macro m() %}{{ x.a }}{% set x = {'a': 3} %}{{ x.a }}{% endmacro %}{{ m() }}",
    "{% if false %}{% set x = {'a': 1} %}{% endif %}{{ x.a }}",
    "{% for i in items %}{% if loop.first %}{% set y = i %}{% endif %}{{ y.a }}{% endfor %}",
    "{% with x = items[0] %}{{ x.a }}{% endwith %}{{ x.a }}",
    "{% block b %}{{ x.a }}{% endblock %}",
    "{% for i in items recursive %}{{ loop.depth }}{{ i.a }}{% endfor %}{{ loop.a }}",
    "{% set ns = namespace(a=1) %}{{ ns.a }}{% set ns.a = 2 %}{{ ns.a }}",
    "{% macro box() %}[{{ caller({'a': 5}) }}]{% endmacro %}"
    "{% call(u) box() %}{{ u.a }}{% endcall %}",
]


@pytest.mark.parametrize("source", SCOPE_CASES)
def test_lookups_in_every_scope_answer_as_jinjas_own(source: str) -> None:
    ours, jinjas = _render_both(source, {"items": [{"a": "<1>"}, {"a": 2}], "x": {"a": "X"}})
    assert ours == jinjas
