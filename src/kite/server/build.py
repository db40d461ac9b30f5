"""`kite build`: prerender the pages with `prerender = True` or `"auto"` and write them, with
`static/` and the runtime, into the output folder (docs/page-options.md).

Pages are rendered by the app itself, in this process, through the same pipeline as a
request (`handle` included), so what is written is what `kite start` would have answered.
The folder works on its own on any static file server; `kite start` serves its pages too.
"""

from __future__ import annotations

import json
import shutil
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.types import Message

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.sansio.page_options import normalize_path
from kite.sansio.prerender import EntryError, links_of, output_files, route_path
from kite.sansio.routing import decode_path
from kite.server.app import Kite
from kite.server.calling import call_user
from kite.server.manifest import Route
from kite.server.prerendered import BUILD_MANIFEST
from kite.server.prerendering import SCOPE_KEY, PrerenderRun

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    output: Path
    # URL path (decoded) → file written for it, relative to the output folder.
    pages: dict[str, str] = field(default_factory=dict)


async def build(app_dir: Path) -> BuildResult:
    """Build the app in `app_dir`; KiteError names the file at fault if it cannot be."""
    app_dir = app_dir.resolve()
    settings = load_settings(app_dir)
    app = Kite(app_dir, settings, prerendered=False)
    output = (app_dir / settings.build_output).resolve()
    _check_output(app_dir, output)
    partial = output.with_name(output.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        static = app_dir / "static"
        if static.is_dir():
            shutil.copytree(static, partial, dirs_exist_ok=True)
        _write_runtime(app, partial)
        result = BuildResult(output)
        await _prerender(app, partial, result)
        manifest = {"version": app.version, "pages": result.pages}
        (partial / BUILD_MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if output.exists():
        shutil.rmtree(output)
    partial.rename(output)
    return result


def _check_output(app_dir: Path, output: Path) -> None:
    """The folder is emptied before each build: only one kite build wrote may be."""
    own = [app_dir / "src", app_dir / "static"]
    if output in app_dir.parents or any(
        folder.is_relative_to(output) or output.is_relative_to(folder) for folder in own
    ):
        raise KiteError(
            f"build.output ({output}) would overlap the app's src/ or static/; name a folder "
            "of its own, such as build"
        )
    if output.exists() and not output.is_dir():
        raise KiteError(f"{output} is a file; build.output must name a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / BUILD_MANIFEST).is_file():
        raise KiteError(
            f"{output} holds files that kite build did not write, and a build empties its "
            "folder first: move them away, or set build.output in kite.toml to another folder"
        )


def _write_runtime(app: Kite, folder: Path) -> None:
    """The runtime at both its URLs: versioned (what pages load) and plain (page scripts)."""
    versioned = folder / "_kite" / app.assets.version
    versioned.mkdir(parents=True)
    for name, content in app.assets.files.items():
        (versioned / name).write_bytes(content)
        (folder / "_kite" / name).write_bytes(content)


def _prerenderable(route: Route | None) -> bool:
    return route is not None and route.has_page and route.options.prerender is not False


def _route_file(app: Kite, route: Route) -> Path:
    if route.page_server is not None:
        return route.page_server.path
    return app.src / (route.page_template or route.id)


async def _seeds(app: Kite) -> list[str]:
    """The URLs to start from: every prerenderable route without required parameters, and
    what each `entries()` returns."""
    seeds: list[str] = []
    for route in app.manifest.routes:
        if not _prerenderable(route):
            continue
        if all(param.optional for param in route.pattern.params):
            seeds.append(route_path(route.id, {}))
        entries = route.page_server.entries if route.page_server else None
        if entries is not None:
            seeds.extend(_entry_path(app, route, entry) for entry in await _entries(app, route))
    return seeds


async def _entries(app: Kite, route: Route) -> Iterable[Any]:
    assert route.page_server is not None and route.page_server.entries is not None
    result = await call_user(route.page_server.entries)
    if isinstance(result, dict | str) or not isinstance(result, Iterable):
        raise KiteError(
            f"{route.page_server.path}: entries() returned {type(result).__name__}; it must "
            'return a list of parameter dicts, e.g. [{"slug": "hello"}]'
        )
    return list(result)


def _entry_path(app: Kite, route: Route, entry: Any) -> str:
    file = _route_file(app, route)
    if not isinstance(entry, dict):
        raise KiteError(f"{file}: entries() gave {entry!r}; each entry is a dict of parameters")
    try:
        path = route_path(route.id, entry)
    except EntryError as exc:
        raise KiteError(f"{file}: entries() gave {entry!r}, but {exc}") from None
    matched = app.manifest.match(decode_path(path))
    if matched is None or matched[0] is not route:
        other = "no route" if matched is None else f"the route {matched[0].id}"
        raise KiteError(f"{file}: entries() gave {entry!r}, whose URL {path} goes to {other}")
    return path


async def _prerender(app: Kite, folder: Path, result: BuildResult) -> None:
    run = PrerenderRun(app.src)
    queue = deque(await _seeds(app))
    seen: set[str] = set()
    rendered: set[str] = set()
    while queue:
        raw = queue.popleft()
        if app.static.lookup(decode_path(raw)) is not None or raw.startswith("/_kite/"):
            continue  # a file, served before any route
        matched = app.manifest.match(decode_path(raw))
        if matched is None or not _prerenderable(matched[0]):
            continue
        route = matched[0]
        raw = normalize_path(raw, route.options.trailing_slash)
        if route.options.trailing_slash == "ignore":
            raw = normalize_path(raw, "never")
        if raw in seen:
            continue
        seen.add(raw)
        document = await _render(app, route, raw, run)
        path = decode_path(raw)
        names = output_files(path, route.options.trailing_slash)
        for name in names:
            target = (folder / name).resolve()
            if not target.is_relative_to(folder.resolve()):
                raise KiteError(f"{_route_file(app, route)}: the URL {raw} leaves the build folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document)
        result.pages[path] = names[0]
        rendered.add(route.id)
        page_url = app.settings.origin or "http://localhost"
        queue.extend(links_of(document.decode("utf-8", "replace"), page_url + raw))
    _check_all_rendered(app, rendered)


async def _render(app: Kite, route: Route, raw: str, run: PrerenderRun) -> bytes:
    file = _route_file(app, route)
    if route.actions is not None:
        raise KiteError(
            f"{file}: a page with actions cannot be prerendered (its forms post to a server). "
            "Set prerender = False for this route, or move the actions to another page."
        )
    status, headers, body = await _get(app, raw, run)
    if run.violations:
        raise KiteError(run.violations[0])
    if 300 <= status < 400:
        raise KiteError(
            f"{file}: GET {raw} redirected to {headers.get('location')} while prerendering; "
            "a prerendered page cannot redirect. Set prerender = False for this route."
        )
    if status != 200:
        raise KiteError(
            f"{file}: GET {raw} answered {status} while prerendering (see the log above for "
            "the error); fix it, or set prerender = False for this route"
        )
    return body


async def _get(app: Kite, raw: str, run: PrerenderRun) -> tuple[int, dict[str, str], bytes]:
    """One GET through the whole app, in this process."""
    origin = urlsplit(app.settings.origin or "http://localhost")
    host = origin.netloc.encode("latin-1")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": origin.scheme,
        "path": unquote(raw),
        "raw_path": raw.encode("ascii"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", host), (b"accept", b"text/html")],
        "client": ("127.0.0.1", 0),
        "server": (origin.hostname or "localhost", origin.port or 80),
        SCOPE_KEY: run,
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in start.get("headers", [])
    }
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


def _check_all_rendered(app: Kite, rendered: set[str]) -> None:
    """As SvelteKit: a `prerender = True` route that nothing reached has no page at all
    (`kite start` answers 404 for it), so the build stops."""
    for route in app.manifest.routes:
        if route.has_page and route.options.prerender is True and route.id not in rendered:
            raise KiteError(
                f"{_route_file(app, route)}: prerender = True, but kite build found no URL of "
                f"the route {route.id}. Return its parameters from an entries() function, "
                'link to its pages from a prerendered page, or set prerender = "auto" '
                "(render the rest on request)."
            )
