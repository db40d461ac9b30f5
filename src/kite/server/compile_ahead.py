"""Compiling templates ahead, in a second process, while this one imports the route modules.

A first start of a large app spends its time in two pieces of work that do not depend on
each other: importing the route modules and compiling the templates for the start-up check
(template_check.py). With 5,000 routes the templates alone take about two seconds of one
core. So, when the app has many templates the template cache (template_cache.py) does not
hold yet, a forked child compiles a share of them into the cache while the parent imports
the modules and then compiles the rest (`child_share`: about two thirds for the child when
every page has its module); the parent then reads the cache, and its own
check finds every template compiled. The child only warms the cache: the parent still
checks every template itself, so an error is reported exactly as without it (the child's
compile of a broken template fails quietly; the parent compiles that one again and stops
with its message).

Only where forking is safe and pays: Linux, a process with one thread (a fork copies only
the thread that calls it), a template cache, and at least `MIN_TEMPLATES` templates to
compile.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence

from kite.server.render import Renderer
from kite.server.template_cache import TemplateCache

__all__ = ["MIN_TEMPLATES", "CompileAhead", "child_share"]

logger = logging.getLogger("kite")

# Below this many templates to compile, compiling them here costs less than a fork and
# reading the cache again (a template compiles in about 0.4 ms).
MIN_TEMPLATES = 200

# A route module's import against a template's compile, in a first start. With 5,000
# routes here (bench/routes_scaling.py), a template compiled in about 0.42 ms and a module
# imported (compiled and run) in about 0.16 ms, but the child pays besides for the pages
# the fork copies and for writing the cache: at 0.3 both finished within 0.08 s of each
# other. Only the ratio matters, and it is much the same on any machine: both are Python
# compiling Python.
MODULE_PER_TEMPLATE = 0.3
# The parent always compiles some: a broken template in its share stops start-up at once.
MAX_CHILD_SHARE = 0.8


def child_share(templates: int, modules: int) -> float:
    """The share of the `templates` to compile that the child takes, so that it finishes
    when the parent, which imports the `modules` first, finishes the rest: with C the
    templates' cost and I the imports', x·C = I + (1 − x)·C gives x = (1 + I/C) / 2. Half
    each, as before, left the child idle for the whole of the imports: 0.8 s of 2.9 with
    5,000 routes."""
    if templates <= 0:
        return 0.5
    imports = modules * MODULE_PER_TEMPLATE / templates
    return min(MAX_CHILD_SHARE, (1 + imports) / 2)


class CompileAhead:
    """`start(names, modules)` forks the child when it pays; `compile_here()` compiles the
    parent's share; `join()` waits for the child and reads what it compiled; `cancel()`
    stops it when start-up fails meanwhile."""

    def __init__(self, renderer: Renderer, cache: TemplateCache | None) -> None:
        self.renderer = renderer
        self.cache = cache
        self.pid: int | None = None
        # The parent's share, compiled by `compile_here` once the modules are imported.
        self.here: list[str] = []

    def start(self, names: Sequence[str], modules: int = 0) -> None:
        cache = self.cache
        if cache is None or not _can_fork():
            return
        held = cache.names()
        missing = [name for name in names if name not in held]
        if len(missing) < MIN_TEMPLATES:
            return
        try:
            pid = os.fork()
        except OSError as exc:
            logger.debug("templates not compiled ahead: %s", exc)
            return
        # The child compiles while the parent imports the `modules`, then both compile.
        split = round(len(missing) * child_share(len(missing), modules))
        if pid == 0:
            _compile_and_exit(self.renderer, cache, missing[:split])
        self.pid = pid
        self.here = missing[split:]

    def compile_here(self) -> None:
        """The parent's share, while the child may still compile its own; a broken
        template stops start-up here, as it would in the full check."""
        here, self.here = self.here, []
        if here:
            self.renderer.compile_all(here)

    def join(self) -> None:
        pid, self.pid = self.pid, None
        if pid is None or self.cache is None:
            return
        os.waitpid(pid, 0)
        self.cache.reload()

    def cancel(self) -> None:
        pid, self.pid = self.pid, None
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def _compile_and_exit(renderer: Renderer, cache: TemplateCache, names: list[str]) -> None:
    """In the child: compile, keep what compiled, and leave without running anything of the
    parent's (no atexit handlers, no buffered output written twice)."""
    code = 1
    try:
        renderer.compile_all(names)
        code = 0
    except BaseException:  # the parent compiles it again and reports it
        pass
    finally:
        try:
            # What the parent's check will use besides: it reads the file it needs whole.
            cache.save(keep_unused=True)
        finally:
            os._exit(code)
