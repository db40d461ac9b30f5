"""Kite's Jinja2 environment: keys of a dict before its methods, and a cheaper `{{ value }}`
and start of a render, which together are most of what a page costs to render.

The cheaper ways build on parts of Jinja that are not its public API: its code generator's
methods (`KiteCodeGenerator`), `Template._from_namespace`, and the attributes of a template
that `render_template` reads. At import, `missing_internals` renders a set of probe
templates both ways; if anything is missing or comes out different, Kite renders with
Jinja's own code generator and `Template.render` (the same pages, slower) and logs it once.
"""

from __future__ import annotations

import logging
import posixpath
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from io import StringIO
from typing import Any

import jinja2
import jinja2.compiler
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from kite.server.template_check import TemplateFacts, template_facts

__all__ = [
    "FAST_TEMPLATES",
    "KiteEnvironment",
    "escape_output",
    "missing_internals",
    "render_template",
    "use_jinjas_own_rendering",
]

logger = logging.getLogger("kite")


def _unchanged(method: Any) -> Any:
    return method


# The decorator Jinja puts on its visitors of expressions (it folds constants); a Jinja
# without it fails the check below, and Kite keeps to Jinja's own generator.
optimizeconst: Callable[[Any], Any] = getattr(jinja2.compiler, "optimizeconst", _unchanged)


def _escape_public(text: str, /) -> str:
    return str(markupsafe.escape(text))


# MarkupSafe's C function behind escape(); a MarkupSafe without it gets the public way.
_escape_inner: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_public)


def escape_output(value: Any) -> Any:
    """What `{{ value }}` writes: markupsafe's escape, the same text, but not wrapped in a
    Markup. Jinja only joins these pieces into the page and never looks at their type,
    and making a Markup is most of what markupsafe.escape costs (a page of 50 rows writes
    hundreds of values)."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is int:
        return str(value)  # digits and "-" only: nothing to escape
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class KiteTemplate(jinja2.Template):
    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> Any:
        # The compiled template writes every `{{ value }}` as `escape(value)`, with `escape`
        # a global of its module namespace, which is this dict. (Were Jinja ever to stop
        # calling this method, templates would render the same, only slower.)
        namespace["escape"] = escape_output
        return super()._from_namespace(environment, namespace, globals)


class KiteCodeGenerator(CodeGenerator):
    """Jinja's code generator, with the template's top level writing its pieces into a list
    and yielding the page once at the end, instead of yielding every piece: a generator
    resumes for each `yield`, and a row of a table is a dozen of them (on a page of 50
    rows, a sixth of the render). Jinja already writes macro and block bodies this way.

    Left as Jinja writes them: templates that `{% include ... without context %}` (Jinja
    yields that include's output directly, which would come out ahead of the list), and,
    to stay on Jinja's well-trodden path, templates that `{% extends %}` another (their
    output is mostly the parent's)."""

    _buffer_top_level = False

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self._buffer_top_level = (
            not self.environment.is_async
            and node.find(nodes.Extends) is None
            and all(include.with_context for include in node.find_all(nodes.Include))
        )
        if self.name is not None and isinstance(self.environment, KiteEnvironment):
            # For the start-up check of what this template pulls in (template_check.py).
            self.environment.template_facts[self.name] = template_facts(node)
        super().visit_Template(node, frame)

    # `{{ row.name }}`, `{% if row.done %}`: the key of a plain dict is read in line, and only
    # anything else goes through environment.getattr. A call per lookup is most of what a
    # lookup costs, and a page of 50 rows makes hundreds of them.
    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        name = node.node
        plain = not self.environment.is_async
        plain = plain and type(self.environment).getattr is KiteEnvironment.getattr
        if not (plain and isinstance(name, nodes.Name) and name.ctx == "load"):
            super().visit_Getattr(node, frame)
            return
        self.write("(")
        # What Jinja writes for the name: its local variable, or (for a name the template
        # may not have been given) a test of that variable for `missing`.
        source = self._source_of(name, frame)
        local = frame.symbols.ref(name.name)
        attribute = repr(node.attr)
        if local.isidentifier():
            # Reading the variable again costs nothing; `missing` is no dict.
            self.write(
                f"{local}[{attribute}] if type({local}) is dict and {attribute} in {local} else "
            )
        self.write(f"environment.getattr({source}, {attribute}))")

    def _source_of(self, node: nodes.Expr, frame: Frame) -> str:
        """The code that visiting `node` writes, returned instead of written."""
        stream = self.stream
        self.stream = StringIO()
        try:
            self.visit(node, frame)
            return self.stream.getvalue()
        finally:
            self.stream = stream

    # `{{ 'done' if row.done else 'open' }}` can only write one of its two texts: when
    # neither has anything to escape, it is written without calling escape at all.
    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if not _writes_plain_text(node, frame, finalize):
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if not _writes_plain_text(node, frame, finalize):
            super()._output_child_post(node, frame, finalize)

    def enter_frame(self, frame: Frame) -> None:
        if self._buffer_top_level and frame.rootlevel and frame.buffer is None:
            frame.buffer = _TOP_LEVEL_BUFFER
            self.writeline(f"{_TOP_LEVEL_BUFFER} = []")
        super().enter_frame(frame)

    def leave_frame(self, frame: Frame, with_python_scope: bool = False) -> None:
        super().leave_frame(frame, with_python_scope)
        if frame.rootlevel and frame.buffer == _TOP_LEVEL_BUFFER:
            self.writeline(f"yield concat({_TOP_LEVEL_BUFFER})")


_TOP_LEVEL_BUFFER = "kite_top_level_output"


def _writes_plain_text(node: nodes.Expr, frame: Frame, finalize: Any) -> bool:
    """Whether `node` is an inline if whose two outcomes are texts that escaping leaves
    unchanged (and no finalize function would see them)."""
    if not isinstance(node, nodes.CondExpr) or node.expr2 is None:
        return False
    if frame.eval_ctx.volatile or finalize.src is not None:
        return False
    return all(
        isinstance(branch, nodes.Const)
        and type(branch.value) is str
        and (not frame.eval_ctx.autoescape or _escape_inner(branch.value) == branch.value)
        for branch in (node.expr1, node.expr2)
    )


class KiteEnvironment(jinja2.Environment):
    """Jinja's environment, with keys of a dict winning over its methods: `form.values`,
    `form.items` and `data.keys` read the keys of those names, as in JavaScript, instead
    of the dict's methods."""

    template_class: type[jinja2.Template] = KiteTemplate
    code_generator_class: type[CodeGenerator] = KiteCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_facts: dict[str, TemplateFacts] = {}

    def join_path(self, template: str, parent: str) -> str:
        # `{% include "./row.html" %}` names a template beside the one that includes it,
        # `../x.html` one a folder up; any other name is looked up from the loader's roots.
        if template.startswith(("./", "../")):
            return posixpath.normpath(posixpath.join(posixpath.dirname(parent), template))
        return template

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Every `{{ a.b }}` comes here. Jinja's own way tries getattr() first, which for a
        # dict key or an attribute of None raises and catches an exception or two; the
        # answers below are the ones it would reach, without them.
        if type(obj) is dict:
            value = obj.get(attribute, _MISSING)
            if value is not _MISSING:
                return value
            if attribute not in _DICT_ATTRIBUTES:
                return self.undefined(obj=obj, name=attribute)
        elif obj is None:
            if not attribute.startswith("__"):  # None has dunder attributes only
                return self.undefined(obj=obj, name=attribute)
        elif isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


_MISSING: Any = object()
_DICT_ATTRIBUTES = frozenset(dir(dict))


def render_template(template: jinja2.Template, variables: Mapping[str, Any]) -> str:
    """`template.render(variables)`: with `FAST_TEMPLATES`, `_render_fast`."""
    if FAST_TEMPLATES:
        return _render_fast(template, variables)
    return template.render(variables)


def _render_fast(template: jinja2.Template, variables: Mapping[str, Any]) -> str:
    """`template.render(variables)`, without the steps that cost most in it for a small
    template: Jinja merges its globals (a ChainMap) into the variables key by key in
    Python, then lists their names for the context, on every call. Here the layers are
    merged by dict.update, and the names are only listed when the template has globals of
    its own (only an `{% import %}` of another template reads them)."""
    globals = template.globals
    merged = _flatten(globals)
    merged.update(variables)
    environment = template.environment
    own_globals = not isinstance(globals, ChainMap) or bool(globals.maps[0])
    context = environment.context_class(
        environment, merged, template.name, template.blocks, globals if own_globals else None
    )
    try:
        return environment.concat(template.root_render_func(context))
    except Exception:
        environment.handle_exception()


def _flatten(globals: MutableMapping[str, Any]) -> dict[str, Any]:
    if isinstance(globals, ChainMap):
        merged: dict[str, Any] = {}
        for layer in reversed(globals.maps):
            merged.update(layer)
        return merged
    return dict(globals)


# What KiteCodeGenerator overrides or calls on Jinja's, and what render_template reads.
REQUIRED_GENERATOR = (
    "visit_Template",
    "visit_Getattr",
    "visit",
    "write",
    "writeline",
    "enter_frame",
    "leave_frame",
    "_output_child_pre",
    "_output_child_post",
)
REQUIRED_TEMPLATE = ("_from_namespace", "root_render_func", "blocks", "globals")

# Templates that take every path KiteCodeGenerator and render_template change: a buffered
# top level, in-line lookups on names, locals and loops, plain-text inline ifs, includes,
# imports, macros, blocks and inheritance.
_PROBES = {
    "base.html": "<h1>{% block title %}{{ title }}{% endblock %}</h1>{{ self.body() }}",
    "child.html": '{% extends "base.html" %}{% block body %}{{ user.name }}{% endblock %}',
    "row.html": "<li>{{ row.name }}: {{ 'done' if row.done else 'open' }}</li>",
    "macros.html": "{% macro badge(x) %}<b>{{ x.label }}</b>{% endmacro %}",
    "page.html": (
        '{% from "macros.html" import badge %}{{ title }} {{ user.name }} {{ user.missing }}'
        "{% for row in rows %}{% include 'row.html' %}{{ loop.index }}{% endfor %}"
        "{% set local = {'label': '<x>'} %}{{ badge(local) }}{{ values.keys }}"
        "{% if user.admin %}admin{% else %}{{ user.name }}{% endif %}"
    ),
}
_PROBE_VARIABLES = {
    "title": "A & B",
    "user": {"name": "<ann>", "admin": False},
    "rows": [{"name": "<x>", "done": True}, {"name": "y&z", "done": False}],
    "values": {"keys": "k"},
}


def missing_internals() -> list[str]:
    """The parts of Jinja that Kite's environment builds on and the installed Jinja lacks,
    or "probe renders differ" when the probe templates come out other than with Jinja's
    own code generator (empty: Kite's cheaper ways are safe to use)."""
    missing = [
        f"CodeGenerator.{name}" for name in REQUIRED_GENERATOR if not hasattr(CodeGenerator, name)
    ]
    if optimizeconst is _unchanged:
        missing.append("jinja2.compiler.optimizeconst")
    if not hasattr(jinja2.Template, "_from_namespace"):
        missing.append("Template._from_namespace")
    if missing:
        return missing
    try:
        ours = _probe_environment(KiteEnvironment)
        jinjas = _probe_environment(_StockEnvironment)
        template = ours.get_template("page.html")
        missing = [f"Template.{name}" for name in REQUIRED_TEMPLATE if not hasattr(template, name)]
        if missing:
            return missing
        expected = jinjas.get_template("page.html").render(_PROBE_VARIABLES)
        fast = _render_fast(template, _PROBE_VARIABLES)
        if fast != expected or template.render(_PROBE_VARIABLES) != expected:
            return ["probe renders differ"]
        child = ours.get_template("child.html").render(_PROBE_VARIABLES)
        if child != jinjas.get_template("child.html").render(_PROBE_VARIABLES):
            return ["probe renders differ"]
    except Exception as exc:
        return [f"probe failed ({type(exc).__name__}: {exc})"]
    return []


class _StockEnvironment(KiteEnvironment):
    """Kite's environment with Jinja's own code generator and templates."""

    template_class = jinja2.Template
    code_generator_class = CodeGenerator


def _probe_environment(kind: type[jinja2.Environment]) -> jinja2.Environment:
    return kind(
        loader=jinja2.DictLoader(_PROBES),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        cache_size=0,
    )


def use_jinjas_own_rendering() -> None:
    """Render with Jinja's own code generator and `Template.render` from now on."""
    global FAST_TEMPLATES
    FAST_TEMPLATES = False
    KiteEnvironment.template_class = jinja2.Template
    KiteEnvironment.code_generator_class = CodeGenerator


FAST_TEMPLATES = True
_missing = missing_internals()
if _missing:
    use_jinjas_own_rendering()
    logger.warning(
        "the installed Jinja %s lacks %s, which Kite's cheaper rendering builds on; "
        "rendering with Jinja's own code generator (the same pages, slower: see "
        "docs/architecture.md)",
        jinja2.__version__,
        ", ".join(_missing),
    )
