"""The `kite` command: new, dev, start, build, routes."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import importlib.util
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kite.exceptions import KiteError

__all__ = ["main"]

# Each command imports the server (and uvicorn) inside its own function, not here: `kite
# --help` and `kite new` start without loading Starlette, Jinja and the route machinery.
# No import circle is dodged that way (tests/test_import_graph.py counts these imports too).

_APP_DIR_VARIABLE = "KITE_APP_DIR"
_DEV_VARIABLE = "KITE_DEV"


def app_from_environment() -> Any:
    """The ASGI app for uvicorn's reloader and workers, which import it by name."""
    from kite.server.app import create_app, start_app

    if os.environ.get(_DEV_VARIABLE) == "1":
        return create_app(os.environ[_APP_DIR_VARIABLE], dev=True)
    return start_app(os.environ[_APP_DIR_VARIABLE], among_workers=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kite", description="Kite: SvelteKit's page model.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    new = commands.add_parser("new", help="create a new app in DIR")
    new.add_argument("dir")
    for name, text in (("dev", "development server"), ("start", "production server")):
        command = commands.add_parser(name, help=text)
        command.add_argument("dir", nargs="?", default=".")
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        if name == "start":
            command.add_argument("--workers", type=int, default=1)
            # Off by default, as in SvelteKit's Node server, gunicorn and granian: the proxy
            # in front usually logs requests already, and a line per request costs each
            # request about a fifth of its time (docs/deployment.md).
            command.add_argument(
                "--access-log",
                action=argparse.BooleanOptionalAction,
                default=False,
                help="log each request (off by default; errors are always logged)",
            )
            command.add_argument(
                "--graceful-timeout",
                type=float,
                default=30.0,
                metavar="SECONDS",
                help="on SIGTERM, how long requests in flight may take to finish (default 30)",
            )
    build = commands.add_parser(
        "build", help="prerender pages and write them with static/ and the runtime"
    )
    build.add_argument("dir", nargs="?", default=".")
    routes = commands.add_parser("routes", help="print the route table")
    routes.add_argument("dir", nargs="?", default=".")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "new":
            from kite.scaffold import create_project

            create_project(Path(arguments.dir))
            print(f"Created {arguments.dir}. Run: kite dev {arguments.dir}")
            return 0
        if arguments.command == "routes":
            return _routes(Path(arguments.dir))
        if arguments.command == "build":
            return _build(Path(arguments.dir))
        if arguments.command == "dev":
            return _dev(arguments)
        return _start(arguments)
    except KiteError as exc:
        print(f"kite: {exc}", file=sys.stderr)
        return 1


def _serve_options(arguments: argparse.Namespace) -> dict[str, Any]:
    return {
        "host": arguments.host,
        "port": arguments.port,
        # Kite reads X-Forwarded-* itself, only from proxy.trusted_hosts in kite.toml.
        "proxy_headers": False,
        "server_header": False,
        # uvicorn's httptools protocol, writing a response's head and body at once.
        "http": http_protocol(),
        "log_level": "info",
        # `kite dev` always logs requests; `kite start` when asked to (--access-log).
        "access_log": getattr(arguments, "access_log", True),
        # A request that never ends must not hold a stopping server forever (process
        # managers kill it anyway: Docker after 10 s, systemd after 90 s).
        "timeout_graceful_shutdown": getattr(arguments, "graceful_timeout", None),
    }


def http_protocol() -> type[asyncio.Protocol] | str:
    """Kite's HTTP protocol when the installed uvicorn has what it builds on, else uvicorn's
    own: its httptools protocol, or h11 without httptools (uvicorn without `standard`)."""
    if importlib.util.find_spec("httptools") is None:
        return "auto"
    # Imported here: the module imports httptools, which uvicorn's `standard` extra brings.
    from kite.server.protocol import KiteHttpProtocol, missing_features

    missing = missing_features()
    if missing:
        logging.getLogger("kite").warning(
            "the installed uvicorn %s lacks %s, which Kite's HTTP protocol builds on; "
            "serving with uvicorn's own httptools protocol (correct, but each response is "
            "written on its own: see docs/architecture.md)",
            _version("uvicorn"),
            ", ".join(missing),
        )
        return "httptools"
    return KiteHttpProtocol


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def _start(arguments: argparse.Namespace) -> int:
    import uvicorn

    from kite.server.app import start_app

    app_dir = Path(arguments.dir).resolve()
    if arguments.workers < 1:
        raise KiteError("--workers must be at least 1")
    if arguments.graceful_timeout < 0:
        raise KiteError("--graceful-timeout must be 0 or more seconds")
    # Import every module now, so that a broken app stops here with a clear message. (With
    # several workers, this process only supervises: what start_app saves, it saves before
    # the workers start.)
    app = start_app(app_dir)
    if arguments.workers == 1:
        # uvicorn drains the requests in flight on SIGTERM, then raises the signal again
        # under the handler it found, so that the process would die "by SIGTERM" (exit
        # 143). A stop that was asked for and completed cleanly is a success: exit 0, as the
        # multi-worker supervisor already does. (Before uvicorn's own handler is in place,
        # the same handler simply stops the process.)
        signal.signal(signal.SIGTERM, _exit_cleanly)
        uvicorn.run(app, **_serve_options(arguments))
        return 0
    os.environ[_APP_DIR_VARIABLE] = str(app_dir)
    os.environ.pop(_DEV_VARIABLE, None)
    # The workers accept from one listening socket, and libuv (under uvloop) accepts every
    # connection waiting when it wakes: a burst of new connections, such as a client or a
    # proxy opening its pool, could all land on one worker while the others wait for a CPU.
    # One per wake-up lets the other workers take their share. Read by libuv in each
    # worker, which inherits it; a value of the user's own stays.
    os.environ.setdefault("UV_TCP_SINGLE_ACCEPT", "1")
    if app.settings.secret_key is None:
        # Workers must share the secret that seals data tokens; one made here is inherited.
        import secrets

        os.environ["KITE_SECRET"] = secrets.token_urlsafe(32)
    # Imported here, as uvicorn is: `kite new` and `kite routes` need neither.
    from kite.server.supervisor import run_workers

    run_workers(
        "kite.cli:app_from_environment",
        factory=True,
        workers=arguments.workers,
        **_serve_options(arguments),
    )
    return 0


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _dev(arguments: argparse.Namespace) -> int:
    import uvicorn

    app_dir = Path(arguments.dir).resolve()
    if not (app_dir / "src").is_dir():
        raise KiteError(f"{app_dir} has no src/ folder (run `kite new DIR` to start an app)")
    os.environ[_APP_DIR_VARIABLE] = str(app_dir)
    os.environ[_DEV_VARIABLE] = "1"
    uvicorn.run(
        "kite.cli:app_from_environment",
        factory=True,
        reload=True,
        reload_dirs=[str(app_dir)],
        reload_includes=["*.py", "*.html", "*.toml"],
        **_serve_options(arguments),
    )
    return 0


def _build(app_dir: Path) -> int:
    from kite.server.build import build

    # Errors of loads and templates are logged by the app as they happen; shown here.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    result = asyncio.run(build(app_dir))
    for url, name in sorted(result.pages.items()):
        print(f"  {url}  ->  {name}")
    print(f"Prerendered {len(result.pages)} page(s) into {result.output}")
    return 0


def _routes(app_dir: Path) -> int:
    from kite.config import load_settings
    from kite.server.app import Kite

    app = Kite(app_dir.resolve(), load_settings(app_dir.resolve()), prerendered=False)
    rows = [("ROUTE", "KIND", "METHODS", "FILES")]
    for route in app.manifest.routes:
        kinds = []
        methods: list[str] = []
        files = []
        if route.has_page:
            kinds.append("page")
            methods += ["GET", "HEAD"] + (["POST"] if route.actions is not None else [])
            files += [name for name in (route.page_template,) if name]
            if route.page_server is not None:
                files.append(str(route.page_server.path.relative_to(app.src)))
        if route.endpoint is not None:
            kinds.append("endpoint")
            methods += [m for m in route.endpoint.allowed() if m not in methods]
            files.append(str(route.endpoint.path.relative_to(app.src)))
        rows.append((route.id, "+".join(kinds), ",".join(methods), " ".join(files)))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]
        )
    return 0
