"""nginx in front of several `kite start` instances, as docs/deployment.md describes: the
site configuration is read from that page's ```nginx block, so that the recipe and what the
tests run cannot drift apart; only addresses are changed, each change checked to apply."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from support.servers import Server, free_port, start_server

NGINX = Path("/usr/sbin/nginx")
DEPLOYMENT_DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
# The recipe's instances and listen line, replaced by free loopback ports.
RECIPE_UPSTREAM = re.compile(r"server 127\.0\.0\.1:800\d( [^;]*);")
RECIPE_LISTEN = "listen 80;"
# One line per request: what nginx answered, and which instances it tried (a retry shows
# as "a, b"), for the tests to see where requests went.
LOG_FORMAT = "'$status $request_method $uri $upstream_addr $upstream_status'"


def require_nginx() -> None:
    if NGINX.exists():
        return
    message = f"{NGINX} is missing: run scripts/install-nginx (Debian's nginx package)"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(message)
    pytest.skip(message)


def recipe() -> str:
    """The first ```nginx block of docs/deployment.md."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    found = re.search(r"```nginx\n(.*?)```", text, re.DOTALL)
    assert found, f"{DEPLOYMENT_DOC} has no ```nginx block"
    return found.group(1)


def render_site(listen_port: int, upstream_ports: Sequence[int]) -> str:
    site = recipe()
    servers = RECIPE_UPSTREAM.findall(site)
    assert len(servers) == len(upstream_ports), "the recipe's upstream lists another count"
    ports = iter(upstream_ports)
    site = RECIPE_UPSTREAM.sub(lambda m: f"server 127.0.0.1:{next(ports)}{m.group(1)};", site)
    assert site.count(RECIPE_LISTEN) == 1, f"the recipe has no single {RECIPE_LISTEN!r}"
    return site.replace(RECIPE_LISTEN, f"listen 127.0.0.1:{listen_port};")


def main_config(prefix: Path, site: str) -> str:
    """The site inside a whole nginx.conf that keeps every file under `prefix`."""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would run as `nobody`, who cannot enter a private temp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    log_format upstreams {LOG_FORMAT};
    access_log {prefix / "access.log"} upstreams;
{temp_paths}
{site}
}}
"""


class Nginx:
    """An nginx of the test's own on 127.0.0.1, its files in `prefix`."""

    def __init__(self, prefix: Path, upstream_ports: Sequence[int]) -> None:
        self.prefix = prefix
        self.port = free_port()
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(main_config(prefix, render_site(self.port, upstream_ports)))
        self.server: Server | None = None

    def command(self, *args: str) -> list[str]:
        return [str(NGINX), "-p", str(self.prefix), "-e", str(self.prefix / "error.log"),
                "-c", str(self.conf), *args]  # fmt: skip

    def start(self) -> Server:
        checked = subprocess.run(self.command("-t"), capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        self.server = start_server(
            self.command("-g", "daemon off;"),
            port=self.port,
            log_path=self.prefix / "nginx.out",
        )
        return self.server

    def access_log(self) -> list[str]:
        path = self.prefix / "access.log"
        return path.read_text().splitlines() if path.exists() else []

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def copy_app(source: Path, target: Path, trusted_proxy: str) -> Path:
    """The app in a folder of its own, with nginx's address in proxy.trusted_hosts."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("data", "__pycache__"))
    with (target / "kite.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[proxy]\ntrusted_hosts = ["{trusted_proxy}"]\n')
    return target
