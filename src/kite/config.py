"""Settings: `kite.toml` beside `src/`, overridden by environment variables.

```toml
origin = "https://example.com"      # env ORIGIN
body_size_limit = "512K"            # env BODY_SIZE_LIMIT (bytes, K/M/G, or "Infinity")
max_header_size = "64K"             # all request headers together; more gets 431
max_threads = 40                    # env KITE_MAX_THREADS; plain def functions at once
module_cache = ".kite/cache/modules"  # env KITE_MODULE_CACHE; false: none (settings.md)
cpu_affinity = "loop"               # env KITE_CPU_AFFINITY; "off": threads on any CPU

[csrf]
check_origin = true                 # only this switches the Origin check off
trusted_origins = ["https://payments.example"]

[proxy]
trusted_hosts = ["127.0.0.1"]       # whose X-Forwarded-* headers are believed

[render]
secret_key = "..."                  # env KITE_SECRET; seals the data token (see runtime-design.md)
# or a list, newest first: sealed with the first, opened with any (docs/deployment.md)
# secret_key = ["new...", "old..."]  # env KITE_SECRET (newest) + KITE_SECRET_FALLBACKS (a,b)
max_token_size = "32K"              # larger page data is re-loaded instead of sealed
token_max_age = 3600                # seconds a data token stays usable
template_cache = ".kite/cache/templates"  # env KITE_TEMPLATE_CACHE; false: none (settings.md)

[forms]
max_fields = 1000                   # fields in one urlencoded or multipart body
max_files = 1000                    # files in one multipart body
max_part_size = "1M"                # bytes of one multipart field that is not a file

[rate_limits]
store = "memory"                    # env RATE_LIMIT_STORE; or sqlite:///app.db, postgresql://…, redis://…
[health]                            # docs/deployment.md, "Health checks"
path = "/_kite/health"              # false switches the endpoint off
timeout = 5                         # seconds the app's `health` hook may take
drain_seconds = 0                   # env KITE_DRAIN_SECONDS; serve this long after SIGTERM

[build]
output = "build"                    # where `kite build` writes; `kite start` serves its pages

[security.headers]                  # on HTML responses; see kite.server.security
X-Frame-Options = "DENY"            # a string replaces a default or adds a header
Referrer-Policy = false             # false removes it
```
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kite.exceptions import KiteError
from kite.sansio.limits import parse_size
from kite.sansio.ratelimit import parse_store
from kite.server.calling import DEFAULT_MAX_THREADS
from kite.server.csp import CspPolicy, parse_csp
from kite.server.security import DEFAULT_HEADERS, RawHeaders, encode_headers, security_headers

__all__ = ["DEFAULT_MODULE_CACHE", "DEFAULT_TEMPLATE_CACHE", "Settings", "load_settings"]

DEFAULT_TEMPLATE_CACHE = ".kite/cache/templates"
DEFAULT_MODULE_CACHE = ".kite/cache/modules"


@dataclass(frozen=True)
class Settings:
    """Every setting with its default; see the module docstring for the file format."""

    origin: str | None = None
    body_size_limit: int | None = 512 * 1024
    max_header_size: int = 64 * 1024
    max_threads: int = DEFAULT_MAX_THREADS
    csrf_check_origin: bool = True
    csrf_trusted_origins: tuple[str, ...] = ()
    proxy_trusted_hosts: tuple[str, ...] = ()
    max_fields: int = 1000
    max_files: int = 1000
    max_part_size: int = 1024 * 1024
    secret_key: str | None = None
    secret_key_fallbacks: tuple[str, ...] = ()
    max_token_size: int = 32 * 1024
    token_max_age: int = 3600
    security_headers: tuple[tuple[str, str], ...] = DEFAULT_HEADERS
    # The [csp] table: a Content-Security-Policy with nonces or hashes (server/csp.py).
    csp: CspPolicy | None = None
    # A native form post is answered with a 303 to its page (server/prg.py).
    post_redirect_get: bool = False
    # Seconds a flash message waits to be shown, and a post/redirect/get result for its GET.
    flash_max_age: int = 600
    result_max_age: int = 60
    build_output: str = "build"
    # Compiled templates kept between starts, relative to the app folder; None: not kept.
    template_cache: str | None = DEFAULT_TEMPLATE_CACHE
    # The route modules' compiled code kept between starts (module_cache.py); None: not kept.
    module_cache: str | None = DEFAULT_MODULE_CACHE
    # `kite start`: "loop" keeps each process's threads on its event loop's CPU
    # (server/affinity.py); "off" leaves them to the kernel.
    cpu_affinity: str = "loop"
    # Where @limits(rate=...) counts: "memory" or a shared store's URL (docs/settings.md).
    rate_limit_store: str = "memory"
    health_path: str | None = "/_kite/health"
    health_timeout: float = 5.0
    health_drain_seconds: float = 0.0
    dev: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)
    # security_headers encoded once here, not per response.
    security_raw_headers: RawHeaders = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "security_raw_headers", encode_headers(self.security_headers))


_KNOWN = {
    "origin": None,
    "body_size_limit": None,
    "max_header_size": None,
    "post_redirect_get": None,
    "max_threads": None,
    "module_cache": None,
    "cpu_affinity": None,
    "csrf": {"check_origin", "trusted_origins"},
    "proxy": {"trusted_hosts"},
    "forms": {"max_fields", "max_files", "max_part_size"},
    "render": {"secret_key", "max_token_size", "token_max_age", "template_cache"},
    "security": {"headers"},
    "csp": {"mode", "report_only", "directives"},
    "cookies": {"flash_max_age", "result_max_age"},
    "build": {"output"},
    "rate_limits": {"store"},
    "health": {"path", "timeout", "drain_seconds"},
}


def load_settings(
    app_dir: Path, *, dev: bool = False, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read `kite.toml` (optional) and the environment into one `Settings`."""
    environ = os.environ if environ is None else environ
    path = app_dir / "kite.toml"
    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise KiteError(f"{path}: not valid TOML — {exc}") from None
    _check_keys(path, raw)
    csrf = raw.get("csrf", {})
    proxy = raw.get("proxy", {})
    forms = raw.get("forms", {})
    render = raw.get("render", {})
    security = raw.get("security", {})
    health = raw.get("health", {})
    secret_key, fallbacks = _secrets(environ, render.get("secret_key"), path)
    try:
        return Settings(
            origin=_origin(environ.get("ORIGIN") or raw.get("origin"), path),
            body_size_limit=parse_size(
                environ.get("BODY_SIZE_LIMIT", raw.get("body_size_limit", "512K"))
            ),
            max_header_size=_unlimited(
                parse_size(raw.get("max_header_size", "64K"), setting="max_header_size")
            ),
            max_threads=_threads(environ.get("KITE_MAX_THREADS", raw.get("max_threads")), path),
            cpu_affinity=_affinity(
                environ.get("KITE_CPU_AFFINITY", raw.get("cpu_affinity", "loop")), path
            ),
            csrf_check_origin=_bool(csrf.get("check_origin", True), "csrf.check_origin", path),
            csrf_trusted_origins=tuple(
                _origin(o, path) or "" for o in _list(csrf, "trusted_origins", path)
            ),
            proxy_trusted_hosts=tuple(_list(proxy, "trusted_hosts", path)),
            max_fields=_count(forms.get("max_fields", 1000), "forms.max_fields", path),
            max_files=_count(forms.get("max_files", 1000), "forms.max_files", path),
            max_part_size=_unlimited(
                parse_size(forms.get("max_part_size", "1M"), setting="max_part_size")
            ),
            secret_key=secret_key,
            secret_key_fallbacks=fallbacks,
            max_token_size=_unlimited(
                parse_size(render.get("max_token_size", "32K"), setting="max_token_size")
            ),
            token_max_age=_count(render.get("token_max_age", 3600), "render.token_max_age", path),
            security_headers=security_headers(_table(security, "headers", path), path),
            csp=parse_csp(raw.get("csp"), path),
            post_redirect_get=_bool(raw.get("post_redirect_get", False), "post_redirect_get", path),
            flash_max_age=_count(
                raw.get("cookies", {}).get("flash_max_age", 600), "cookies.flash_max_age", path
            ),
            result_max_age=_count(
                raw.get("cookies", {}).get("result_max_age", 60), "cookies.result_max_age", path
            ),
            template_cache=_cache_folder(
                environ.get("KITE_TEMPLATE_CACHE", render.get("template_cache", True)),
                path,
                setting="render.template_cache",
                env="KITE_TEMPLATE_CACHE",
                default=DEFAULT_TEMPLATE_CACHE,
                what="compiled templates",
            ),
            module_cache=_cache_folder(
                environ.get("KITE_MODULE_CACHE", raw.get("module_cache", True)),
                path,
                setting="module_cache",
                env="KITE_MODULE_CACHE",
                default=DEFAULT_MODULE_CACHE,
                what="the route modules' compiled code",
            ),
            build_output=_folder(raw.get("build", {}).get("output", "build"), path),
            rate_limit_store=_store(
                environ.get("RATE_LIMIT_STORE") or raw.get("rate_limits", {}).get("store", "memory")
            ),
            health_path=_health_path(health.get("path", "/_kite/health"), path),
            health_timeout=_seconds(health.get("timeout", 5), "health.timeout", path),
            health_drain_seconds=_seconds(
                environ.get("KITE_DRAIN_SECONDS", health.get("drain_seconds", 0)),
                "health.drain_seconds",
                path,
            ),
            dev=dev,
        )
    except ValueError as exc:
        raise KiteError(f"{path}: {exc}") from None


def _secrets(
    environ: Mapping[str, str], configured: Any, path: Path
) -> tuple[str | None, tuple[str, ...]]:
    """The current secret and the older ones still accepted: KITE_SECRET (with
    KITE_SECRET_FALLBACKS, comma-separated) when set, else `render.secret_key`, a string or
    a list whose first item is the current secret."""
    if environ.get("KITE_SECRET"):
        older = environ.get("KITE_SECRET_FALLBACKS", "").split(",")
        return environ["KITE_SECRET"], tuple(item.strip() for item in older if item.strip())
    if configured is None or configured == "":
        return None, ()
    if isinstance(configured, str):
        return configured, ()
    if (
        not isinstance(configured, list)
        or not configured
        or not all(isinstance(item, str) and item for item in configured)
    ):
        raise KiteError(
            f"{path}: 'render.secret_key' must be a string or a list of non-empty strings, "
            f'newest first: secret_key = ["new secret", "old secret"]'
        )
    return configured[0], tuple(configured[1:])


def _unlimited(size: int | None) -> int:
    return 2**62 if size is None else size


def _check_keys(path: Path, raw: dict[str, Any]) -> None:
    for key, value in raw.items():
        if key not in _KNOWN:
            known = ", ".join(sorted(_KNOWN))
            raise KiteError(f"{path}: unknown setting '{key}' (known settings: {known})")
        allowed = _KNOWN[key]
        if allowed is None:
            continue
        if not isinstance(value, dict):
            raise KiteError(f"{path}: '{key}' must be a table: [{key}]")
        for sub in value:
            if sub not in allowed:
                raise KiteError(
                    f"{path}: unknown setting '{key}.{sub}' "
                    f"(known in [{key}]: {', '.join(sorted(allowed))})"
                )


def _origin(value: Any, path: Path) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "://" not in value:
        raise KiteError(f"{path}: origin {value!r} must look like https://example.com")
    return value.rstrip("/").lower()


def _list(table: dict[str, Any], key: str, path: Path) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KiteError(f"{path}: '{key}' must be a list of strings")
    return value


def _table(table: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise KiteError(f"{path}: 'security.{key}' must be a table: [security.{key}]")
    return value


def _folder(value: Any, path: Path) -> str:
    if not isinstance(value, str) or not value.strip() or value.strip() in (".", "src"):
        raise KiteError(
            f"{path}: 'build.output' must name a folder of its own, such as \"build\", "
            f"not {value!r} (kite build empties it before writing)"
        )
    return value


def _cache_folder(
    value: Any, path: Path, *, setting: str, env: str, default: str, what: str
) -> str | None:
    word = value.strip().lower() if isinstance(value, str) else None
    # From the environment every value is a string: "true" and "on" mean the default folder.
    if value is True or word in ("on", "true"):
        return default
    if value is False or word in ("off", "false"):
        return None
    if not isinstance(value, str) or not value.strip():
        raise KiteError(
            f"{path}: '{setting}' (or {env}) names the folder that keeps {what} between "
            f'starts, such as "{default}", or is false (or off) to keep none; not {value!r}'
        )
    return value.strip()


def _threads(value: Any, path: Path) -> int:
    if value is None:
        return DEFAULT_MAX_THREADS
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise KiteError(
            f"{path}: 'max_threads' (or KITE_MAX_THREADS) must be a whole number ≥ 1, not "
            f"{value!r}: it is how many plain def loads and actions can run at once"
        )
    return value


def _affinity(value: Any, path: Path) -> str:
    if value not in ("loop", "off"):
        raise KiteError(
            f"{path}: 'cpu_affinity' (or KITE_CPU_AFFINITY) is \"loop\" (keep each server "
            f'process\'s threads on the CPU of its event loop) or "off", not {value!r}'
        )
    return str(value)


def _store(value: Any) -> str:
    parse_store(value)  # raises ValueError, reported with the file's name
    return str(value).strip()


def _health_path(value: Any, path: Path) -> str | None:
    if value is False:
        return None
    if not isinstance(value, str) or not value.startswith("/") or "?" in value:
        raise KiteError(
            f"{path}: 'health.path' must be a path such as \"/_kite/health\", or false to "
            f"switch the health check off, not {value!r}"
        )
    return value


def _seconds(value: Any, name: str, path: Path) -> float:
    try:
        seconds = float(value) if not isinstance(value, bool) else -1.0
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise KiteError(f"{path}: '{name}' must be a number of seconds ≥ 0, not {value!r}")
    return seconds


def _bool(value: Any, name: str, path: Path) -> bool:
    if not isinstance(value, bool):
        raise KiteError(f"{path}: '{name}' must be true or false, not {value!r}")
    return value


def _count(value: Any, name: str, path: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise KiteError(f"{path}: '{name}' must be a whole number ≥ 0, not {value!r}")
    return value
