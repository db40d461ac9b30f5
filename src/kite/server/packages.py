"""Route folders as Python packages in all but name.

Every folder under `src/routes` is registered in `sys.modules` as a package with a private
name (`kite_app.routes.blog._slug_` for `src/routes/blog/[slug]`, see
kite/sansio/module_names.py) whose `__path__` is the folder. Python's own import machinery
then does the rest: `from .game import Game` in a route module loads `game.py` beside it,
once per process, and `from ..shared import x` reaches the folder above, whatever the
folders are called.

The namespace (`kite_app`) is the app's: a second app in the same process (tests, two apps
mounted in one ASGI app) gets `kite_app_2`, so that their modules never mix.

While an app starts (`keeping_code`), the files Kite imports itself take their compiled code
from the app's module cache (module_cache.py) rather than from `.pyc` files beside them.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from kite.exceptions import KiteError
from kite.sansio.module_names import folder_package_names, kite_file_module_name
from kite.server.module_cache import ModuleCache

__all__ = ["ModuleImportError", "RoutePackages", "import_path", "keeping_code", "route_packages"]

NAMESPACE = "kite_app"

# One namespace per app folder (its src/), for the life of the process.
_APPS: dict[Path, RoutePackages] = {}
# The module cache of each app folder that is starting (`keeping_code`).
_CACHES: dict[Path, ModuleCache] = {}


@contextmanager
def keeping_code(src: Path, cache: ModuleCache | None) -> Iterator[None]:
    """Import the app's own files with `cache` while the block runs (the app's start-up),
    then write what they compiled; when start-up fails, the entries it did not reach are
    kept too, for the start after the fix."""
    if cache is None:
        yield
        return
    _CACHES[src] = cache
    try:
        yield
    except BaseException:
        cache.save(keep_unused=True)
        raise
    else:
        cache.save()
    finally:
        _CACHES.pop(src, None)


@dataclass
class RoutePackages:
    """The package names of one app's route folders."""

    src: Path
    root: str  # "kite_app": a package with no folder of its own
    folders: dict[Path, str] = field(default_factory=dict)  # folder -> package name
    # The route folders as `register` last walked them, top-down, each with its sorted
    # subfolders and its files: the route manifest reads them rather than walk again.
    walked: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def module_name(self, path: Path) -> str:
        """The module name Kite imports one of its files by (`+page.server.py`, hooks)."""
        package = self.folders.get(path.parent, self.root)
        return f"{package}.{kite_file_module_name(path.name)}"

    def folder_of(self, package: str) -> Path | None:
        """The folder of a package name (for error messages), if it is a route folder."""
        for folder, name in self.folders.items():
            if name == package:
                return folder
        return None

    def register(self) -> None:
        """Register the root, `src/routes` and every folder below it (again: new folders)."""
        _ensure_package(self.root, None)
        routes = self.src / "routes"
        if not routes.is_dir():
            return
        cache = _CACHES.get(self.src)
        self.folders[routes] = _ensure_package(f"{self.root}.routes", routes, cache)
        # Folder paths as strings while walking (one Path per folder, not three: with
        # 5,000 routes, making and hashing Paths was much of this walk).
        packages = {str(routes): self.folders[routes]}
        self.walked = []
        for directory, subdirs, files in os.walk(routes):
            # Python's bytecode caches and hidden folders are neither packages nor routes.
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__" and not d.startswith("."))
            self.walked.append((directory, subdirs, files))
            modules = [name.removesuffix(".py") for name in files if name.endswith(".py")]
            names = folder_package_names(subdirs, modules)
            for subdir in subdirs:
                folder = os.path.join(directory, subdir)
                path = Path(folder)
                package = _ensure_package(f"{packages[directory]}.{names[subdir]}", path, cache)
                packages[folder] = self.folders[path] = package


def route_packages(src: Path) -> RoutePackages:
    """The app's route packages, registered (new folders too) in `sys.modules`."""
    packages = _APPS.get(src)
    if packages is None:
        taken = {packages.root for packages in _APPS.values()}
        root, number = NAMESPACE, 1
        while root in taken:
            number += 1
            root = f"{NAMESPACE}_{number}"
        packages = _APPS[src] = RoutePackages(src, root)
    packages.register()
    return packages


def _ensure_package(name: str, folder: Path | None, cache: ModuleCache | None = None) -> str:
    """Registers a package for `folder` (None: an empty namespace), unless it already is."""
    existing = sys.modules.get(name)
    locations = [] if folder is None else [str(folder)]
    if existing is not None and list(getattr(existing, "__path__", ())) == locations:
        return name
    init = None if folder is None else folder / "__init__.py"
    if init is not None and init.is_file():
        module = _run_init(name, init, locations, cache)
    else:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = locations
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
    return module.__name__


def _run_init(name: str, init: Path, locations: list[str], cache: ModuleCache | None) -> ModuleType:
    """A route folder with an `__init__.py`: it runs, as it would for a package."""
    spec = importlib.util.spec_from_file_location(
        name,
        init,
        loader=None if cache is None else cache.loader(name, str(init)),
        submodule_search_locations=locations,
    )
    if spec is None or spec.loader is None:
        raise KiteError(f"{init}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    _execute(module, spec.loader, init, None)
    return module


def import_path(path: Path, src: Path) -> ModuleType:
    """Import one of the app's files that Kite loads itself (`+page.server.py`, hooks, ...):
    a module inside its folder's package, so that its relative imports work."""
    packages = _APPS.get(src) or route_packages(src)
    name = packages.module_name(path)
    cache = _CACHES.get(src)
    loader = None if cache is None else cache.loader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None or spec.loader is None:
        raise KiteError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    _execute(module, spec.loader, path, packages)
    return module


def _execute(
    module: ModuleType, loader: importlib.abc.Loader, path: Path, packages: RoutePackages | None
) -> None:
    # Registered first so that dataclasses and pickling inside it can find the module.
    sys.modules[module.__name__] = module
    try:
        loader.exec_module(module)
    except BaseException as exc:
        sys.modules.pop(module.__name__, None)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ModuleImportError(path, exc, packages) from exc


class ModuleImportError(KiteError):
    """A module of the app that raised while importing: names the file and line where it
    went wrong, with a hint for imports, and keeps the original traceback text."""

    def __init__(self, path: Path, exc: BaseException, packages: RoutePackages | None) -> None:
        self.path = path
        self.details = "".join(traceback.format_exception(exc))
        where = _where(path, exc, None if packages is None else packages.src)
        hint = "" if packages is None else _import_hint(path, exc, packages)
        super().__init__(
            f"{path} failed to import: {type(exc).__name__}: {exc}{where}\n"
            + (hint + "\n" if hint else "")
            + "Fix the error above (the traceback below points at the line).\n\n"
            + self.details
        )


def _where(path: Path, exc: BaseException, src: Path | None) -> str:
    """`(line 3)`, or `(at src/…/game.py, line 3)` when another of the app's files raised."""
    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        location: tuple[str, int | None] | None = (exc.filename, exc.lineno)
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        inside = [f for f in frames if src is None or Path(f.filename).is_relative_to(src)]
        location = (inside[-1].filename, inside[-1].lineno) if inside else None
    if location is None or location[1] is None:
        return ""
    file, line = location
    return f" (line {line})" if Path(file) == path else f" (at {file}, line {line})"


def _import_hint(path: Path, exc: BaseException, packages: RoutePackages) -> str:
    beyond = (
        "Relative imports reach no further up than src/routes: import code elsewhere in "
        "src/ by its name from src/ (which is on sys.path), e.g. `import lib.db`."
    )
    if isinstance(exc, ImportError) and "beyond top-level package" in str(exc):
        return beyond
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return ""
    parent, _, last = exc.name.rpartition(".")
    if parent == packages.root:
        return beyond
    folder = packages.folder_of(parent)
    if folder is not None:
        return f"There is no {folder / last}.py (nor a folder {folder / last}/): check the name."
    if "." not in exc.name and (
        (path.parent / f"{exc.name}.py").is_file() or (path.parent / exc.name).is_dir()
    ):
        return (
            f"{exc.name} is beside {path.name}: import it relatively, "
            f"`from .{exc.name} import ...` (route folders are packages)."
        )
    return ""
