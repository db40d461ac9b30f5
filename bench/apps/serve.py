"""Serve `module:attribute` from bench/apps with uvicorn, as a developer starts an app by hand.

    python bench/apps/serve.py starlette_app:app --host 127.0.0.1 --port 8000

`uvicorn.run(app, host=..., port=...)` and nothing else: uvicorn's defaults, which pick uvloop
and httptools when installed (as `kite start` does), log each request (log level info) and
send a `server` header. `kite start` differs in its own defaults only: no access log.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", help="module:attribute, e.g. raw_asgi:app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    module_name, _, attribute = arguments.target.partition(":")
    app = getattr(importlib.import_module(module_name), attribute)
    uvicorn.run(app, host=arguments.host, port=arguments.port)


if __name__ == "__main__":
    main()
