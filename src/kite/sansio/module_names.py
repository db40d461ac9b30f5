"""The Python names that route folders and Kite's own files get as modules.

A route folder is a package with a private name, so that the modules in it can import each
other relatively (`from .game import Game`). Most folder names are Python names already
(`sverdle`); the others (`[slug]`, `[[lang]]`, `[...rest]`, `(group)`, `sitemap.xml`) get
one made from their letters and digits between underscores: `_slug_`, `_lang_`, `_rest_`,
`_group_`, `_sitemap_xml_`. Nobody writes these names (relative imports spell `.` and
`..`); they show in `__name__`, in logger names and in the repr of classes.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Collection, Iterable

__all__ = ["folder_package_names", "is_module_name", "kite_file_module_name"]

_NOT_NAME = re.compile(r"\W+")


def is_module_name(name: str) -> bool:
    """Whether `import name` can be written: an identifier that is not a keyword."""
    return name.isidentifier() and not keyword.iskeyword(name)


def folder_package_names(folders: Iterable[str], modules: Collection[str]) -> dict[str, str]:
    """The package name of each folder among siblings, by folder name.

    `modules` are the names the siblings' `.py` files are imported by: a made-up name never
    takes one of those, nor a sibling folder's own name, nor another made-up name (a `2`,
    `3`, … is added until it is free). The same folders always get the same names.
    """
    names = sorted(folders)
    result = {name: name for name in names if is_module_name(name)}
    taken = set(modules) | set(result)
    for name in names:
        if name in result:
            continue
        letters = _NOT_NAME.sub("_", name).strip("_")
        base = f"_{letters}_" if letters else "_"
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        result[name] = candidate
        taken.add(candidate)
    return result


def kite_file_module_name(file_name: str) -> str:
    """The module name of a file Kite imports itself: `+page.server.py` is `+page_server`.

    The `+` keeps it apart from every module an `import` statement can name.
    """
    stem = file_name.removesuffix(".py").lstrip("+")
    return "+" + stem.replace(".", "_")
