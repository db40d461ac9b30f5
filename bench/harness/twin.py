"""The async twin of bench/apps/kite-plain: the very same files, with every load, action and
hook turned from `def` into `async def`, written to bench/.cache/apps/kite-plain-async.

What `plain ÷ async twin` then measures is the cost of a plain function and nothing else:
the same code, the same typed form, the same helpers. The transformation is a table, not a
parser, so that what changes is plain to read: each function named below gets `async`, and
each call that gives a plain function its answer directly (`event.form(Model)`,
`resolve(event)`) gets the `await` an async function needs. A name or a call the table
expects and the file lacks is an error, as is a public module-level `def` left plain in a
server file: the twin never silently drifts from kite-plain.

    PYTHONPATH=bench .venv/bin/python -m harness.twin    # (re)writes the twin, prints where
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from harness.paths import APPS, CACHE

SOURCE = APPS / "kite-plain"
TWIN_APPS = CACHE / "apps"
TWIN = TWIN_APPS / "kite-plain-async"

# File (relative to the app) → the module-level functions to turn into `async def`.
ASYNC_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "src/hooks.server.py": ("handle",),
    "src/routes/+layout.server.py": ("load",),
    "src/routes/login/+page.server.py": ("load", "login", "register"),
    "src/routes/todos/+page.server.py": ("load", "toggle"),
    "src/routes/api/todos/+server.py": ("GET",),
}
# File → (text, replacement, how many times it must occur): the awaits the async code needs
# where the plain function gets its answer directly.
AWAITS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "src/hooks.server.py": (
        ("return resolve(event)", "return await resolve(event)", 1),
        ("-> Awaitable[Response]:", "-> Response:", 1),
    ),
    "src/routes/login/+page.server.py": (
        ("form = event.form(Credentials)", "form = await event.form(Credentials)", 2),
    ),
}


class TwinError(RuntimeError):
    pass


def asynchronous(path: str, text: str) -> str:
    """`text`, the file `path` of kite-plain, as the async twin has it."""
    for name in ASYNC_FUNCTIONS.get(path, ()):
        text, count = re.subn(rf"^def {name}\(", f"async def {name}(", text, flags=re.MULTILINE)
        if count != 1:
            raise TwinError(
                f"bench/apps/kite-plain/{path}: expected one module-level `def {name}(` to "
                f"make async, found {count}; update ASYNC_FUNCTIONS in bench/harness/twin.py"
            )
    for old, new, expected in AWAITS.get(path, ()):
        found = text.count(old)
        if found != expected:
            raise TwinError(
                f"bench/apps/kite-plain/{path}: expected {expected}× {old!r}, found {found}; "
                "update AWAITS in bench/harness/twin.py"
            )
        text = text.replace(old, new)
    left = re.findall(r"^def ([a-zA-Z]\w*)\(", text, flags=re.MULTILINE)
    if path.endswith(("/+server.py", ".server.py")) and left:
        raise TwinError(
            f"bench/apps/kite-plain/{path}: `def {left[0]}` would stay plain in the async "
            "twin; add it to ASYNC_FUNCTIONS in bench/harness/twin.py (or name a helper "
            "with a leading underscore)"
        )
    return text


def write_twin() -> Path:
    """(Re)write the twin from kite-plain; returns its folder."""
    server_files = {
        path.relative_to(SOURCE).as_posix()
        for path in [*SOURCE.rglob("*.server.py"), *SOURCE.rglob("+server.py")]
        if "__pycache__" not in path.parts
    }
    unlisted = server_files - set(ASYNC_FUNCTIONS)
    if unlisted:
        raise TwinError(
            f"bench/apps/kite-plain has server files the twin does not know: "
            f"{', '.join(sorted(unlisted))}; add them to ASYNC_FUNCTIONS in bench/harness/twin.py"
        )
    missing = set(ASYNC_FUNCTIONS) - server_files
    if missing:
        raise TwinError(f"bench/apps/kite-plain lacks {', '.join(sorted(missing))}")
    shutil.rmtree(TWIN, ignore_errors=True)
    shutil.copytree(SOURCE, TWIN, ignore=shutil.ignore_patterns("__pycache__", ".kite"))
    for path in sorted(server_files):
        target = TWIN / path
        target.write_text(asynchronous(path, target.read_text(encoding="utf-8")), "utf-8")
    # The app's lib/ finds benchlib (the store) beside the app folder, as in bench/apps.
    # A relative link, which survives the checkout moving; one that points elsewhere (or
    # nowhere) is replaced.
    benchlib, wanted = TWIN_APPS / "benchlib", APPS / "benchlib"
    if benchlib.is_symlink() and benchlib.resolve() != wanted.resolve():
        benchlib.unlink()
    if not benchlib.is_symlink():
        relative = os.path.relpath(wanted, TWIN_APPS)
        benchlib.symlink_to(relative, target_is_directory=True)
    return TWIN


if __name__ == "__main__":
    print(write_twin())
