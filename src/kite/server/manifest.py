"""Walk `src/routes` into the route manifest: one `Route` per page or endpoint, each with
the chain of folders (layouts, error pages) from the root down to it."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kite.exceptions import KiteError
from kite.sansio.classify import RouteShape
from kite.sansio.page_options import PageOptions, resolve_options
from kite.sansio.routing import (
    RouteIdError,
    RouteMatcher,
    RoutePattern,
    conflict_key,
    parse_route_id,
    sort_route_ids,
)
from kite.server.load import all_plain
from kite.server.modules import (
    EndpointModule,
    ServerModule,
    load_endpoint,
    load_server_module,
)
from kite.server.packages import route_packages

__all__ = ["Folder", "Manifest", "Route", "build_manifest", "options_of"]

_KNOWN_FILES = {
    "+page.html",
    "+page.server.py",
    "+layout.html",
    "+layout.server.py",
    "+error.html",
    "+server.py",
}
_SERVER_MODULES = frozenset(("+page.server.py", "+layout.server.py", "+server.py"))
_SUGGESTIONS = {
    "+page.svelte": "+page.html",
    "+layout.svelte": "+layout.html",
    "+error.svelte": "+error.html",
    "+page.server.js": "+page.server.py",
    "+page.server.ts": "+page.server.py",
    "+layout.server.js": "+layout.server.py",
    "+server.js": "+server.py",
    "+page.jinja": "+page.html",
    "+page.py": "+page.server.py",
    "+layout.py": "+layout.server.py",
    "+page.jinja2": "+page.html",
    "+server.server.py": "+server.py",
}


@dataclass
class Folder:
    """One folder of the route tree, as far as layouts and error pages go."""

    route_id: str
    path: Path
    layout_template: str | None = None  # template name relative to src/
    layout_server: ServerModule | None = None
    error_template: str | None = None


@dataclass
class Route:
    id: str
    pattern: RoutePattern
    folders: list[Folder]  # root first; the last one is the route's own folder
    page_template: str | None = None
    page_server: ServerModule | None = None
    endpoint: EndpointModule | None = None
    has_page: bool = False

    def node_names(self) -> list[str]:
        """What a data token calls each load node: layouts by folder, the page by route."""
        return [folder.route_id for folder in self.folders] + [f"page:{self.id}"]

    @property
    def actions(self) -> dict[str, Callable[..., Any]] | None:
        return None if self.page_server is None else self.page_server.actions

    @functools.cached_property
    def shape(self) -> RouteShape:
        """What `sansio.classify` needs of this route (read once: the manifest is final)."""
        endpoint = self.endpoint
        if endpoint is None:
            return RouteShape(self.has_page)
        methods = frozenset(endpoint.handlers)
        return RouteShape(self.has_page, methods, endpoint.fallback is not None)

    @functools.cached_property
    def load_nodes(self) -> list[ServerModule | None]:
        """The server modules of the page's load nodes: its layouts', root first, then its
        own (None where a folder has no +layout.server.py)."""
        return [folder.layout_server for folder in self.folders] + [self.page_server]

    @functools.cached_property
    def plain_loads(self) -> bool:
        """Whether every load of the page is a plain `def`, so that a worker thread may
        start them all (kite.server.ahead)."""
        return all_plain(self.load_nodes)

    @functools.cached_property
    def form_models(self) -> dict[str, Any]:
        """The typed forms (`forms = {...}`) of the route's layouts and page; the page's win."""
        models: dict[str, Any] = {}
        for module in self.load_nodes:
            if module is not None:
                models.update(module.forms)
        return models

    @functools.cached_property
    def options(self) -> PageOptions:
        """The page options in force (docs/page-options.md); an endpoint alone has none."""
        if not self.has_page:
            return PageOptions()
        return options_of(self.folders, self.page_server)


def options_of(folders: list[Folder], page: ServerModule | None = None) -> PageOptions:
    """The options the layouts of `folders` declare, then the page's, the deepest winning."""
    modules = [folder.layout_server for folder in folders] + [page]
    return resolve_options(module.options for module in modules if module is not None)


@dataclass
class Manifest:
    routes: list[Route]  # in ranking order: the first match wins
    root: Folder
    templates: list[str] = field(default_factory=list)

    def match(self, decoded_path: str) -> tuple[Route, dict[str, str]] | None:
        found = self._matcher.match(decoded_path)
        if found is None:
            return None
        index, params = found
        return self.routes[index], params

    @functools.cached_property
    def _matcher(self) -> RouteMatcher:
        return RouteMatcher([route.pattern for route in self.routes])


# A folder's templates, in the order the start-up check compiles them.
_ROUTE_TEMPLATES = ("+layout.html", "+error.html", "+page.html")


def _template_name(route_id: str, file: str) -> str:
    """The name Jinja knows a route file by: its path from src/."""
    return f"routes{route_id.rstrip('/')}/{file}"


def build_manifest(
    src: Path, before_imports: Callable[[list[str], int], None] | None = None
) -> Manifest:
    """Scan `src/routes`, import every server module and check the tree for mistakes.
    `before_imports` is given the route templates' names and how many route modules are
    about to be imported, before any is (compile_ahead.py compiles templates meanwhile)."""
    routes_dir = src / "routes"
    if not routes_dir.is_dir():
        raise KiteError(f"{routes_dir} does not exist: create it with a +page.html inside")
    # Before any route module runs: its folder, and every other, must be a package by then.
    # Registering them walked the folders (no bytecode caches, no hidden folders): the
    # manifest reads that walk instead of walking again.
    walked = route_packages(src).walked
    folders: dict[str, Folder] = {}
    routes: dict[str, Route] = {}
    # Paths as strings here: Path.relative_to per folder was a good part of this walk.
    top = str(routes_dir)
    templates = [
        _template_name(_route_id(directory, top), file)
        for directory, _, files in walked
        for file in _ROUTE_TEMPLATES
        if file in files
    ]
    if before_imports is not None:
        modules = sum(file in _SERVER_MODULES for _, _, files in walked for file in files)
        before_imports(templates, modules)
    for directory, _, files in walked:
        route_id = _route_id(directory, top)
        folder = Folder(route_id, Path(directory))
        folders[route_id] = folder
        route = _scan_folder(folder, sorted(files), src)
        if route is not None:
            routes[route_id] = route
    for route in routes.values():
        route.folders = _chain(route.id, folders)
    _check_conflicts(list(routes.values()))
    ordered = [routes[route_id] for route_id in sort_route_ids(list(routes))]
    manifest = Manifest(ordered, folders["/"], templates)
    # Built now rather than by the first request, which waited for it (25 ms of CPU with
    # 5,000 routes, and the garbage collector's walk of everything start-up made).
    _ = manifest._matcher
    return manifest


def _route_id(directory: str, top: str) -> str:
    """The route id of a folder below src/routes (`top`), both as the walk gives them."""
    return directory[len(top) :].replace(os.sep, "/") or "/"


def _scan_folder(folder: Folder, files: list[str], src: Path) -> Route | None:
    for name in files:
        if name.startswith("+") and name not in _KNOWN_FILES:
            hint = _SUGGESTIONS.get(name)
            raise KiteError(
                f"{folder.path / name}: files prefixed with + are reserved for Kite "
                f"({', '.join(sorted(_KNOWN_FILES))})"
                + (f" — did you mean {hint}?" if hint else "; rename it without the +")
            )
    present = set(files)
    if "+layout.html" in present:
        folder.layout_template = _template_name(folder.route_id, "+layout.html")
    if "+error.html" in present:
        folder.error_template = _template_name(folder.route_id, "+error.html")
    if "+layout.server.py" in present:
        folder.layout_server = load_server_module(
            folder.path / "+layout.server.py", src, is_page=False
        )
    is_page = "+page.html" in present or "+page.server.py" in present
    if not is_page and "+server.py" not in present:
        return None
    try:
        pattern = parse_route_id(folder.route_id)
    except RouteIdError as exc:
        raise KiteError(f"{folder.path}: {exc}") from None
    route = Route(folder.route_id, pattern, [], has_page=is_page)
    if "+page.html" in present:
        route.page_template = _template_name(folder.route_id, "+page.html")
    if "+page.server.py" in present:
        route.page_server = load_server_module(folder.path / "+page.server.py", src, is_page=True)
    if "+server.py" in present:
        route.endpoint = load_endpoint(folder.path / "+server.py", src)
    return route


def _chain(route_id: str, folders: dict[str, Folder]) -> list[Folder]:
    chain = [folders["/"]]
    if route_id != "/":
        parts = route_id.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            chain.append(folders["/" + "/".join(parts[:depth])])
    return chain


def _check_conflicts(routes: list[Route]) -> None:
    seen: dict[str, Route] = {}
    for route in sorted(routes, key=lambda r: r.id):
        key = conflict_key(route.id)
        other = seen.get(key)
        if other is not None:
            raise KiteError(
                f"The routes {other.folders[-1].path} and {route.folders[-1].path} match the "
                f"same URLs ({other.id} and {route.id}). Remove one, or make one of them more "
                "specific (a static segment, or a different parameter layout)."
            )
        seen[key] = route
