"""`kite new DIR`: a new app, copied from the template tree in `kite/templates/new/`."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from kite.exceptions import KiteError

__all__ = ["create_project"]

# Stored under another name: a packaging tool may leave dotfiles out of package data, and a
# file named .gitignore would apply to the template tree itself inside Kite's repository.
_RENAMES = {"gitignore": ".gitignore"}
# The app's Python files are stored as `*.py-tpl` (as Django does), so that Kite's own tools
# leave them alone: mypy would see them as modules of the `kite` package and fail to resolve
# the app's `import lib`, ruff would sort that import as third-party, and setuptools would
# treat their folders as packages of Kite.
_PYTHON_SUFFIX = ".py-tpl"
# Never part of an app, should a tool leave them in the template tree.
_SKIPPED_DIRECTORIES = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def template_root() -> Traversable:
    return resources.files("kite") / "templates" / "new"


def create_project(directory: Path) -> None:
    """Create a new Kite app in `directory`, which must not exist or be empty.

    Files are copied byte for byte: they hold Jinja syntax meant for the app's own templates,
    so nothing here may treat them as templates.
    """
    if directory.exists():
        if not directory.is_dir():
            raise KiteError(f"{directory} exists and is not a directory")
        if any(directory.iterdir()):
            raise KiteError(
                f"{directory} is not empty; choose a new directory (kite new DIR creates it)"
            )
    source = template_root()
    if not source.is_dir():
        raise KiteError(f"the app template is missing from Kite's installation ({source})")
    directory.mkdir(parents=True, exist_ok=True)
    _copy_tree(source, directory)


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in sorted(source.iterdir(), key=lambda entry: entry.name):
        name = entry.name
        if entry.is_dir():
            if name in _SKIPPED_DIRECTORIES:
                continue
            (target / name).mkdir()
            _copy_tree(entry, target / name)
        elif not name.endswith(_SKIPPED_SUFFIXES):
            (target / _target_name(name)).write_bytes(entry.read_bytes())


def _target_name(name: str) -> str:
    if name.endswith(_PYTHON_SUFFIX):
        return name.removesuffix(_PYTHON_SUFFIX) + ".py"
    return _RENAMES.get(name, name)
