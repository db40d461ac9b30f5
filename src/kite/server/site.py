"""The app as read from disk at start-up: its route manifest, templates, hooks, settings and
the services built from them. Everything that serves a request takes it as `app`."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from kite.config import Settings
from kite.exceptions import KiteError
from kite.forms.state import FormContext
from kite.sansio.ratelimit import parse_store
from kite.server.assets import RuntimeAssets
from kite.server.body import FormLimits
from kite.server.calling import set_max_threads
from kite.server.compile_ahead import CompileAhead
from kite.server.csp import NonceText
from kite.server.event import current_event
from kite.server.flash import FlashView
from kite.server.health import Health
from kite.server.manifest import Manifest, build_manifest
from kite.server.module_cache import open_module_cache
from kite.server.modules import HooksModule, load_hooks
from kite.server.packages import keeping_code
from kite.server.prerendered import PrerenderedPages
from kite.server.ratelimit import RateLimiter
from kite.server.ratestores import open_store
from kite.server.render import Renderer
from kite.server.sealing import CookieSealer
from kite.server.static import StaticFiles
from kite.server.template_cache import TemplateCache, open_template_cache
from kite.server.tokens import DataSealer

__all__ = ["Site"]

logger = logging.getLogger("kite")


class Site:
    """One app as read from disk: the route manifest, templates, hooks and settings.

    `kite.server.app.Kite` adds the ASGI entry point; the request path below it takes a
    `Site`, so that it never imports the module that imports it.
    """

    def __init__(self, app_dir: Path, settings: Settings, *, prerendered: bool = True) -> None:
        self.app_dir = app_dir
        self.src = app_dir / "src"
        self.settings = settings
        self.dev = settings.dev
        set_max_threads(settings.max_threads)
        if not self.src.is_dir():
            raise KiteError(
                f"{app_dir} has no src/ folder: a Kite app keeps its routes in "
                "src/routes/ (run `kite new DIR` to start one)"
            )
        # `src/` is importable so that route modules can `import lib.db`.
        if str(self.src) not in sys.path:
            sys.path.insert(0, str(self.src))
        # The modules Kite imports itself keep their code in one file (module_cache.py).
        modules = None
        if settings.module_cache is not None:
            modules = open_module_cache(app_dir / settings.module_cache)
        with keeping_code(self.src, modules):
            self._read_code(app_dir, settings)
        _learn_enhanced(self.renderer, self.manifest)
        self.static = StaticFiles(app_dir / "static", dev=self.dev)
        self.form_limits = FormLimits(
            max_fields=settings.max_fields,
            max_files=settings.max_files,
            max_part_size=settings.max_part_size,
        )
        # Where @limits(rate=...) counts; a shared store connects on the first submission.
        self.rate_limiter = RateLimiter(
            open_store(*parse_store(settings.rate_limit_store), app_dir=app_dir)
        )
        self.reducers = {name: entry["encode"] for name, entry in self.hooks.transport.items()}
        self.revivers = {name: entry["decode"] for name, entry in self.hooks.transport.items()}
        self.assets = RuntimeAssets(minify=not self.dev)
        self.sealer = DataSealer(
            settings.secret_key,
            fallbacks=settings.secret_key_fallbacks,
            max_size=settings.max_token_size,
            max_age=settings.token_max_age,
            reducers=self.reducers,
            revivers=self.revivers,
        )
        # Flash messages travel in a sealed cookie (flash.py): `flashes` in templates.
        self.flash_sealer = CookieSealer(
            settings.secret_key,
            "flash",
            settings.secret_key_fallbacks,
            max_age=settings.flash_max_age,
        )
        # A native post's result on its way to the redirected GET (prg.py).
        self.prg_sealer = CookieSealer(
            settings.secret_key,
            "prg",
            settings.secret_key_fallbacks,
            max_age=settings.result_max_age,
        )
        self.renderer.environment.globals["flashes"] = FlashView(self.flash_sealer, current_event)
        self.health = Health(
            self.hooks.health,
            timeout=settings.health_timeout,
            drain_seconds=settings.health_drain_seconds,
        )
        self.version = _app_version(self.src, self.assets.version)
        # What `kite build` prerendered; `kite dev` always renders (docs/page-options.md).
        self.prerendered = (
            PrerenderedPages(app_dir / settings.build_output, version=self.version)
            if prerendered and not self.dev
            else PrerenderedPages()
        )
        if prerendered and not self.dev and not self.prerendered.built:
            _warn_unbuilt(self.manifest, app_dir / settings.build_output)
        self.origin_scheme = urlsplit(settings.origin).scheme if settings.origin else None
        # What `event.form(Model)` needs to know per route: its `forms` and the message hook.
        self.form_contexts = {
            route.id: FormContext(route.form_models, self.hooks.form_error_message)
            for route in self.manifest.routes
        }

    def _read_code(self, app_dir: Path, settings: Settings) -> None:
        """Import the hooks and route modules and compile every template (the check)."""
        self.hooks: HooksModule = load_hooks(self.src / "hooks.server.py", self.src)
        self.renderer = Renderer(self.src, dev=self.dev)
        self.renderer.environment.globals["csp_nonce"] = NonceText(settings.csp)
        if self.hooks.configure_templates is not None:
            self.hooks.configure_templates(self.renderer.environment)
        cache = _keep_compiled(self.renderer, app_dir, settings)
        # Many templates not in the cache yet: a child compiles them while the route
        # modules are imported here (compile_ahead.py).
        ahead = CompileAhead(self.renderer, cache)
        try:
            self.manifest: Manifest = build_manifest(self.src, before_imports=ahead.start)
            ahead.compile_here()
        except BaseException:
            ahead.cancel()
            raise
        ahead.join()
        try:
            self.renderer.compile_all(self.manifest.templates)
        finally:
            # Even when one template stops start-up, the others need not compile again.
            if cache is not None:
                cache.save()


def _keep_compiled(renderer: Renderer, app_dir: Path, settings: Settings) -> TemplateCache | None:
    """Compiled templates kept on disk between starts (template_cache.py), unless the
    setting is off or `configure_templates` set a bytecode cache of its own. Keyed on the
    environment as configured by then."""
    environment = renderer.environment
    if settings.template_cache is None or environment.bytecode_cache is not None:
        return None
    cache = open_template_cache(app_dir / settings.template_cache, environment)
    environment.bytecode_cache = cache
    return cache


def _app_version(src: Path, runtime_version: str) -> str:
    """Changes whenever the app's files or the runtime change; the same in every worker."""
    digest = hashlib.sha256(runtime_version.encode())
    # Walked first and sorted after, so that the bytecode caches are left out of the walk
    # (sorting the walk itself consumed it before a folder could be left out).
    walked: list[tuple[str, list[str]]] = []
    for folder, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        walked.append((folder, files))
    for folder, files in sorted(walked):
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def _learn_enhanced(renderer: Renderer, manifest: Manifest) -> None:
    """Which pages and error pages can use the runtime, and so need their data sealed:
    decided now, from their templates, rather than from each rendered document."""
    for route in manifest.routes:
        layouts = [folder.layout_template for folder in route.folders]
        if route.has_page:
            renderer.enhances([*layouts, route.page_template])
        for level, folder in enumerate(route.folders):
            if folder.error_template is not None:
                renderer.enhances([*layouts[: level + 1], folder.error_template])


def _warn_unbuilt(manifest: Manifest, output: Path) -> None:
    count = sum(route.options.prerender is True for route in manifest.routes)
    if count:
        logger.warning(
            "%d route(s) have prerender = True, but %s holds no build: they are rendered on "
            "each request. Run `kite build` to prerender them.",
            count,
            output,
        )
