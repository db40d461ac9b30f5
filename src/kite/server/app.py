"""`create_app(DIR)`: read the app on disk once and return the ASGI callable."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.types import Receive, Scope, Send

from kite.config import Settings, load_settings
from kite.exceptions import KiteError
from kite.forms.state import FormContext
from kite.sansio.ratelimit import parse_store
from kite.server.assets import RuntimeAssets
from kite.server.body import FormLimits
from kite.server.calling import set_max_threads
from kite.server.csp import NonceText
from kite.server.event import current_event
from kite.server.flash import FlashView
from kite.server.health import Health
from kite.server.manifest import Manifest, build_manifest
from kite.server.modules import HooksModule, load_hooks
from kite.server.prerendered import PrerenderedPages
from kite.server.ratelimit import RateLimiter
from kite.server.ratestores import open_store
from kite.server.render import Renderer
from kite.server.respond import respond
from kite.server.sealing import CookieSealer
from kite.server.static import StaticFiles
from kite.server.tokens import DataSealer

__all__ = ["Kite", "create_app", "freeze_start_up"]

logger = logging.getLogger("kite")


class Kite:
    """A Kite application: the route manifest, templates, hooks and settings of one app."""

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
        self.hooks: HooksModule = load_hooks(self.src / "hooks.server.py", self.src)
        self.manifest: Manifest = build_manifest(self.src)
        self.renderer = Renderer(self.src, dev=self.dev)
        self.renderer.environment.globals["csp_nonce"] = NonceText(settings.csp)
        if self.hooks.configure_templates is not None:
            self.hooks.configure_templates(self.renderer.environment)
        self.renderer.compile_all(self.manifest.templates)
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await respond(self, scope, receive, send)
        elif scope["type"] == "lifespan":
            await _lifespan(self.health, receive, send)
            await self.rate_limiter.store.close()
        else:
            raise RuntimeError(f"Kite does not serve {scope['type']!r} connections")


def _app_version(src: Path, runtime_version: str) -> str:
    """Changes whenever the app's files or the runtime change; the same in every worker."""
    digest = hashlib.sha256(runtime_version.encode())
    for folder, dirs, files in sorted(os.walk(src)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(files):
            stat = (Path(folder) / name).stat()
            digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def _warn_unbuilt(manifest: Manifest, output: Path) -> None:
    count = sum(route.options.prerender is True for route in manifest.routes)
    if count:
        logger.warning(
            "%d route(s) have prerender = True, but %s holds no build: they are rendered on "
            "each request. Run `kite build` to prerender them.",
            count,
            output,
        )


async def _lifespan(health: Health, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            # The server's signal handlers are in place by now: health wraps SIGTERM's.
            health.watch_sigterm()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def freeze_start_up() -> None:
    """Move everything start-up made (modules, templates, routes) out of the garbage
    collector's sight: `kite start` calls it once the app is created.

    A full collection walks every object the process holds, and with the app's own it took
    17–28 ms on the benchmark app — the requests in flight wait it out, and that was most
    of Kite's p99 (bench/harness/tails.py; docs/architecture.md). Frozen, it takes 0.4 ms.
    What is frozen is never collected, so only start-up's objects are, once; `kite dev`,
    which re-imports the app's modules, does not freeze.
    """
    gc.collect()
    gc.freeze()


def create_app(app_dir: str | os.PathLike[str] = ".", dev: bool = False, **overrides: Any) -> Any:
    """The ASGI application for the Kite app in `app_dir`.

    Every route module is imported now, so a broken module, a route conflict or a bad
    setting raises `KiteError` naming the file. With `dev=True` such an error does not
    raise: every request shows it on an error page instead, until the file is fixed.
    """
    path = Path(app_dir).resolve()
    try:
        settings = load_settings(path, dev=dev)
        if overrides:
            from dataclasses import replace

            settings = replace(settings, **overrides)
        return Kite(path, settings)
    except KiteError as exc:
        if not dev:
            raise
        logger.error("%s", exc)
        from kite.server.devpage import BrokenApp

        return BrokenApp(exc)
