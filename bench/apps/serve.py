"""Serve `module:attribute` from bench/apps with uvicorn, configured as `kite start` does.

    python bench/apps/serve.py starlette_app:app --host 127.0.0.1 --port 8000

The options mirror `kite start` (src/kite/cli.py, `_serve_options`) so that the Python
contenders differ only in the application: uvicorn's defaults pick uvloop and httptools when
installed, the access log is on (log level info), no Server header, no proxy headers.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import uvicorn

UVICORN_OPTIONS = {"proxy_headers": False, "server_header": False, "log_level": "info"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", help="module:attribute, e.g. raw_asgi:app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    module_name, _, attribute = arguments.target.partition(":")
    app = getattr(importlib.import_module(module_name), attribute)
    uvicorn.run(app, host=arguments.host, port=arguments.port, **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
