"""No import circles in `src/kite`, and the pure core imports nothing from the server.

Every `import` statement counts: at module level, inside functions, and under
`if TYPE_CHECKING:` (a type-only import still ties two modules together for the reader and
for a type checker). What `import kite.a.b` runs implicitly, the `__init__` of `kite` and
`kite.a`, does not count: a package's `__init__` only gathers the public names of the
modules below it. The layering is described in docs/architecture.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kite

PACKAGE = Path(kite.__file__).parent

# The pure core: no I/O, nothing from the server (docs/architecture.md, "Which package may
# import which").
PURE = ("kite.sansio", "kite.devalue")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The kite modules `name` imports, wherever in the file the import is written."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                # `from kite import devalue` imports the module kite.devalue.
                submodule = f"{module}.{alias.name}"
                if submodule in known:
                    yield submodule
                elif module in known:
                    yield module


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {
        name: {target for target in _imported(name, path, known) if target != name}
        for name, path in known.items()
    }


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _describe(circle: list[str], graph: dict[str, set[str]]) -> str:
    members = set(circle)
    arrows = [f"{a} -> {b}" for a in circle for b in sorted(graph[a] & members)]
    return "; ".join(arrows)


def test_the_graph_sees_the_package() -> None:
    graph = _graph()
    # A walker that found nothing would pass every check below.
    assert "kite.server.app" in graph
    assert "kite.server.respond" in graph["kite.server.app"]
    assert "kite.devalue._errors" in graph["kite.devalue._stringify"]  # a relative import


def test_the_walker_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_no_import_circles() -> None:
    graph = _graph()
    circles = _circles(graph)
    assert not circles, "import circles in src/kite:\n" + "\n".join(
        _describe(circle, graph) for circle in circles
    )


def test_the_pure_core_imports_nothing_from_the_server() -> None:
    graph = _graph()
    wrong = [
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith(PURE)
        for target in sorted(targets)
        if target.startswith("kite.server")
    ]
    assert not wrong, "sansio/ and devalue/ must not import kite.server: " + ", ".join(wrong)
