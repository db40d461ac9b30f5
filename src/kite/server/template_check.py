"""Every template a route can reach, compiled at start-up.

A route's templates pull in others with `{% extends %}`, `{% include %}`, `{% import %}` and
`{% from ... import %}`. Jinja only looks for those when the page first renders, so a missing
or broken one would be a 500 for the first visitor. Here they are followed from the route
templates at start-up, each compiled once (the compiled template stays in Jinja's cache for
the renders), and the first problem stops the app with an error that names both the template
and the file that pulls it in.

Only literal names can be followed: `{% include row_template %}` is left to render time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import jinja2
from jinja2 import nodes

from kite.exceptions import KiteError

__all__ = [
    "MARKERS",
    "Reference",
    "TemplateFacts",
    "check_templates",
    "reaches_marker",
    "template_facts",
]

_TAGS: dict[type[nodes.Node], str] = {
    nodes.Extends: "extends",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from",
}


@dataclass(frozen=True)
class Reference:
    """One `{% extends/include/import/from %}` with a literal name (or list of names)."""

    tag: str
    names: tuple[str, ...]  # `{% include ["a.html", "b.html"] %}`: the first that exists
    line: int
    ignore_missing: bool = False
    imports: tuple[str, ...] = ()  # what `{% from ... import a, b %}` takes


@dataclass(frozen=True)
class TemplateFacts:
    """What the check needs to know of a compiled template, noted while it compiles
    (kite/server/jinja.py), so that no template is parsed twice."""

    references: list[Reference]
    exports: frozenset[str] | None
    # Whether its text (or a string in it) holds one of `MARKERS`: the page can use Kite's
    # runtime, so its load data is sealed for it (docs/runtime-design.md).
    has_marker: bool = False


# What in a template means the page can use Kite's runtime.
MARKERS = ("data-enhance", "use:enhance", "/_kite/")


def template_facts(template: nodes.Template) -> TemplateFacts:
    """The facts of a parsed template, from one walk of its tree: this runs for every
    template at start-up, and each walk of a tree costs about as much as parsing it."""
    references: list[Reference] = []
    extends = has_marker = False
    node: nodes.Node
    for node in template.find_all(_FACT_NODES):
        if isinstance(node, nodes.TemplateData | nodes.Const):
            text = node.data if isinstance(node, nodes.TemplateData) else node.value
            has_marker = has_marker or (
                isinstance(text, str) and any(marker in text for marker in MARKERS)
            )
            continue
        assert isinstance(node, nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport)
        extends = extends or isinstance(node, nodes.Extends)
        reference = _reference(node)
        if reference is not None:
            references.append(reference)
    return TemplateFacts(references, None if extends else _exports(template), has_marker)


# Every node a fact is read from (a text holding a marker, a tag pulling a template in).
_FACT_NODES: tuple[type[nodes.Node], ...] = (*_TAGS, nodes.TemplateData, nodes.Const)


def find_references(template: nodes.Template) -> list[Reference]:
    """The templates a parsed template pulls in by literal name, in source order."""
    return template_facts(template).references


def _reference(
    node: nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport,
) -> Reference | None:
    names = _literal_names(node.template)
    if names is None:
        return None
    return Reference(
        _TAGS[type(node)],
        names,
        node.lineno,
        ignore_missing=isinstance(node, nodes.Include) and node.ignore_missing,
        imports=_imported(node),
    )


def _literal_names(expression: nodes.Expr) -> tuple[str, ...] | None:
    if isinstance(expression, nodes.Const) and isinstance(expression.value, str):
        return (expression.value,)
    if isinstance(expression, nodes.List | nodes.Tuple):
        items = expression.items
        if items and all(isinstance(i, nodes.Const) and isinstance(i.value, str) for i in items):
            return tuple(str(item.value) for item in items)  # type: ignore[attr-defined]
    return None


def _imported(node: nodes.Node) -> tuple[str, ...]:
    if not isinstance(node, nodes.FromImport):
        return ()
    return tuple(name if isinstance(name, str) else name[0] for name in node.names)


def find_exports(template: nodes.Template) -> frozenset[str] | None:
    """The names `{% from %}` can take from a template (its top-level macros and `set`s), or
    None when that cannot be known without running it (it extends another)."""
    return template_facts(template).exports


def _exports(template: nodes.Template) -> frozenset[str]:
    names: set[str] = set()
    for node in template.body:
        if isinstance(node, nodes.Macro):
            names.add(node.name)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            names.update(_assigned(node.target))
    return frozenset(names)


def _assigned(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            yield from _assigned(item)


@dataclass
class _Via:
    """Who pulled a template in: the file, tag and line, and the route template it started
    from."""

    file: str
    reference: Reference
    root: str

    def __str__(self) -> str:
        text = f"{{% {self.reference.tag} %}} in {self.file}, line {self.reference.line}"
        return text if self.file == self.root else f"{text}; reached from {self.root}"


def check_templates(
    environment: jinja2.Environment, roots: Sequence[str], where: str
) -> dict[str, jinja2.Template]:
    """Compile `roots` and every template they reach; KiteError on the first that is missing
    or broken. Returns the compiled roots by name. `where` says where names are looked up,
    for the error message."""
    compiled: dict[str, jinja2.Template] = {}
    seen: set[str] = set()
    pending: list[tuple[str, _Via | None]] = [(name, None) for name in reversed(roots)]
    while pending:
        name, via = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        template = _compile(environment, name, via)
        compiled[name] = template
        file = template.filename or name
        for reference in _facts(environment, template).references:
            target = _pick(environment, reference, name, file, where)
            if target is None:
                continue
            root = file if via is None else via.root
            pending.append((target, _Via(file, reference, root)))
    return {name: compiled[name] for name in roots}


def reaches_marker(environment: jinja2.Environment, roots: Sequence[str]) -> bool:
    """Whether `roots`, or any template they pull in, holds one of `MARKERS` in its text (a
    name that does not exist is skipped: `check_templates` reported it at start-up)."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            template = environment.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        facts = _facts(environment, template)
        if facts.has_marker:
            return True
        for reference in facts.references:
            for written in reference.names:
                target = environment.join_path(written, name)
                try:
                    environment.get_template(target)
                except jinja2.TemplateNotFound:
                    continue
                pending.append(target)
                break
    return False


def _compile(environment: jinja2.Environment, name: str, via: _Via | None) -> jinja2.Template:
    try:
        return environment.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        pulled = f" (pulled in by {via})" if via is not None else ""
        raise KiteError(
            f"{exc.filename or name}:{exc.lineno}: template syntax error — {exc.message}{pulled}"
        ) from None


def _facts(environment: jinja2.Environment, template: jinja2.Template) -> TemplateFacts:
    recorded: dict[str, TemplateFacts] | None = getattr(environment, "template_facts", None)
    if recorded is not None and template.name in recorded:
        return recorded[template.name]
    # Not compiled here (say, loaded from a bytecode cache set up in configure_templates).
    assert environment.loader is not None and template.name is not None
    source, filename, _ = environment.loader.get_source(environment, template.name)
    return template_facts(environment.parse(source, template.name, filename))


def _pick(
    environment: jinja2.Environment, reference: Reference, parent: str, file: str, where: str
) -> str | None:
    """The template a reference loads (the first of its names that exists), or None when
    `ignore missing` lets it load none; KiteError when it must load one and none exists."""
    for written in reference.names:
        name = environment.join_path(written, parent)
        try:
            target = environment.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        except jinja2.TemplateSyntaxError:
            return name  # compiled again (and reported) by the caller, with who pulled it in
        _check_imports(environment, reference, target, file)
        return name
    if reference.ignore_missing:
        return None
    listed = " nor ".join(f'"{name}"' for name in reference.names)
    raise KiteError(
        f"{file}, line {reference.line}: {{% {reference.tag} %}} pulls in {listed}, which "
        f"does not exist. {where} Fix the name, or create the template."
    )


def _check_imports(
    environment: jinja2.Environment,
    reference: Reference,
    target: jinja2.Template,
    file: str,
) -> None:
    if not reference.imports:
        return
    exports = _facts(environment, target).exports
    if exports is None:
        return
    missing = [name for name in reference.imports if name not in exports]
    if missing:
        have = ", ".join(sorted(exports)) or "nothing"
        raise KiteError(
            f"{file}, line {reference.line}: {{% from %}} imports {', '.join(missing)} from "
            f"{target.filename or target.name}, which does not define it (it defines: {have})."
        )
