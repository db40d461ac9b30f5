"""Kite's own runtime modules (src/kite/runtime/*.js) joined into one module per page.

A page loads `start.js` and everything it imports statically. Served one file at a time,
that is a dozen requests and a dozen gzip streams; joined, it is one of each. This is not a
general bundler: it understands the import/export style the runtime is written in, and
refuses anything else loudly, naming the file and line, rather than guessing.

The rules a runtime module follows (docs/runtime-design.md repeats them):

- its file name is lower-case letters, `name.js`;
- `import { a, b } from './name.js';` at the start of a line (the top level), named imports
  only, no `as`, no default or namespace imports, only of other runtime modules;
- `export function|async function|const|class name` at the start of a line, one name per
  declaration, or `export { a, b };` for names it declares or imports; no `export let`
  (a copy is made, so a reassigned binding would not be seen), no default, no `export … from`;
- on-demand loading is `import('./name.js')` with the literal name;
- the identifier `__kite` is never used (the bundle's own name);
- no import cycle among the modules of the bundle.

What is served, in production:

- `start.js` (the entry): every module of its static import graph, each in its own block
  (so that their private names cannot clash), in dependency order; each block takes its
  imports from, and hands its exports to, one object `__kite`, which the bundle exports;
- another module of that graph (`dom.js`, …): a one-line module re-exporting its names from
  the bundle, so that its public URL keeps working and shares the bundle's instance;
- every other module (loaded on demand): itself, its imports of bundled modules taken from
  the bundle instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

__all__ = ["BundleError", "Module", "bundle_runtime", "parse_module"]

NAMESPACE = "__kite"
_NAME = re.compile(r"[a-z]+\.js")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_STATEMENT = re.compile(r"^[ \t]*(?:import|export)\b(?!\s*\()", re.MULTILINE)
_IMPORT = re.compile(r"import \{([^}]*)\} from '\./([^']+)';[ \t]*(?:\n|$)")
_EXPORT_DECLARATION = re.compile(
    r"export (?=(?:async function|function|const|class)\s+([A-Za-z_$][\w$]*)\b)"
)
_EXPORT_LIST = re.compile(r"export \{([^}]*)\};[ \t]*(?:\n|$)")
_DYNAMIC = re.compile(r"\bimport\(\s*(['\"])\./([^'\"]+)\1\s*\)")


class BundleError(ValueError):
    """A runtime module breaks one of the rules in this module's docstring."""


@dataclass
class Module:
    """One runtime module, taken apart: its imports, exports and the rest of its code."""

    name: str
    imports: dict[str, list[str]] = field(default_factory=dict)
    exports: list[str] = field(default_factory=list)
    dynamic: list[str] = field(default_factory=list)
    # The source without its import statements and `export` keywords.
    body: str = ""

    @property
    def key(self) -> str:
        return self.name[: -len(".js")]


def _fail(name: str, source: str, offset: int, problem: str) -> BundleError:
    line = source.count("\n", 0, offset) + 1
    return BundleError(
        f"src/kite/runtime/{name}, line {line}: {problem}. The runtime bundler "
        "(kite/server/bundle.py) only understands the import/export forms listed in its "
        "docstring; rewrite the statement in one of those forms."
    )


def _names(text: str, name: str, source: str, offset: int) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    for item in names:
        if not _IDENTIFIER.fullmatch(item):
            raise _fail(
                name, source, offset, f"`{item}` is not a plain name (no `as`, no defaults)"
            )
    return names


def parse_module(name: str, source: str) -> Module:
    """Takes one runtime module apart; BundleError if it breaks the rules."""
    if not _NAME.fullmatch(name):
        raise BundleError(
            f"src/kite/runtime/{name}: runtime module names are lower-case letters + .js"
        )
    if NAMESPACE in source:
        raise _fail(
            name, source, source.index(NAMESPACE), f"`{NAMESPACE}` is reserved for the bundle"
        )
    module = Module(name)
    pieces: list[str] = []
    position = 0
    for statement in _STATEMENT.finditer(source):
        start = statement.start()
        if start < position:
            continue
        if source[start] in " \t":
            raise _fail(
                name, source, start, "import/export statements belong at the top level, unindented"
            )
        pieces.append(source[position:start])
        position = _take_statement(module, source, start, pieces)
    pieces.append(source[position:])
    module.body = "".join(pieces)
    for match in _DYNAMIC.finditer(source):
        module.dynamic.append(_target(name, source, match.start(), match.group(2)))
    return module


def _take_statement(module: Module, source: str, start: int, pieces: list[str]) -> int:
    """Records the import or export at `start`; returns where the rest of the code resumes."""
    name = module.name
    if imported := _IMPORT.match(source, start):
        target = _target(name, source, start, imported.group(2))
        names = _names(imported.group(1), name, source, start)
        module.imports.setdefault(target, []).extend(names)
        return imported.end()
    if listed := _EXPORT_LIST.match(source, start):
        module.exports.extend(_names(listed.group(1), name, source, start))
        return listed.end()
    if declared := _EXPORT_DECLARATION.match(source, start):
        module.exports.append(declared.group(1))
        return declared.end()
    text = source[start : source.find("\n", start)]
    raise _fail(name, source, start, f"unsupported statement `{text.strip()}`")


def _target(name: str, source: str, offset: int, target: str) -> str:
    if not _NAME.fullmatch(target):
        raise _fail(name, source, offset, f"`./{target}` is not a runtime module name")
    return target


def _graph(modules: dict[str, Module], entry: str) -> list[str]:
    """The entry's static import graph, dependencies first; BundleError on a cycle."""
    graph: dict[str, list[str]] = {}
    pending = [entry]
    while pending:
        current = pending.pop()
        if current in graph:
            continue
        module = modules[current]
        for target, names in module.imports.items():
            _check_import(modules, module, target, names)
        graph[current] = list(module.imports)
        pending.extend(module.imports)
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise BundleError(f"the runtime's modules import each other in a cycle: {cycle}") from exc


def _check_import(
    modules: dict[str, Module], module: Module, target: str, names: list[str]
) -> None:
    if target not in modules:
        raise BundleError(
            f"src/kite/runtime/{module.name} imports ./{target}, which does not exist"
        )
    missing = [item for item in names if item not in modules[target].exports]
    if missing:
        raise BundleError(
            f"src/kite/runtime/{module.name} imports {', '.join(missing)} from ./{target}, "
            "which does not export it"
        )


def _take(imports: dict[str, list[str]]) -> str:
    """`const{a,b}=__kite.dom,…;` for imports from bundled modules."""
    parts = [
        f"{{{','.join(names)}}}={NAMESPACE}.{target[:-3]}" for target, names in imports.items()
    ]
    return f"const {','.join(parts)};\n" if parts else ""


def _bundle(modules: dict[str, Module], order: list[str]) -> str:
    blocks = [f"const {NAMESPACE}={{}};\n"]
    for name in order:
        module = modules[name]
        hand_over = f"{NAMESPACE}.{module.key}={{{','.join(module.exports)}}};\n"
        blocks.append("{" + _take(module.imports) + module.body + "\n" + hand_over + "}\n")
    blocks.append(f"export{{{NAMESPACE}}};\n")
    return "".join(blocks)


def _on_demand(module: Module, bundled: set[str], entry: str) -> str:
    """A module outside the bundle, its imports of bundled modules taken from the bundle."""
    inside = {target: names for target, names in module.imports.items() if target in bundled}
    lines = [f"import{{{NAMESPACE}}}from'./{entry}';\n", _take(inside)] if inside else []
    lines += [
        f"import{{{','.join(names)}}}from'./{target}';\n"
        for target, names in module.imports.items()
        if target not in inside
    ]
    exports = f"export{{{','.join(module.exports)}}};\n" if module.exports else ""
    return "".join(lines) + module.body + "\n" + exports


def _facade(module: Module, entry: str) -> str:
    names = ",".join(module.exports)
    return (
        f"import{{{NAMESPACE}}}from'./{entry}';export const{{{names}}}={NAMESPACE}.{module.key};\n"
    )


def bundle_runtime(sources: dict[str, str], entry: str = "start.js") -> dict[str, str]:
    """Every runtime file as production serves it (see the module docstring), by file name.

    `sources` maps file names to the modules' source text. BundleError names the file and
    line of a module the bundler cannot handle.
    """
    modules = {name: parse_module(name, source) for name, source in sources.items()}
    if entry not in modules:
        raise BundleError(f"src/kite/runtime/{entry} (the runtime's entry) is missing")
    for module in modules.values():
        for target in module.dynamic:
            if target not in modules:
                raise BundleError(
                    f"src/kite/runtime/{module.name} loads ./{target}, which does not exist"
                )
        for target, names in module.imports.items():
            _check_import(modules, module, target, names)
    order = _graph(modules, entry)
    bundled = set(order)
    served: dict[str, str] = {}
    for name, module in modules.items():
        if name == entry:
            served[name] = _bundle(modules, order)
        elif name in bundled:
            served[name] = _facade(module, entry)
        else:
            served[name] = _on_demand(module, bundled, entry)
    return served
