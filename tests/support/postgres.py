"""A throwaway PostgreSQL cluster for the tests that run the demo on PostgreSQL: one per test
session, started with Debian's initdb/pg_ctl (scripts/install-postgres installs them) and
removed afterwards. Registered as a plugin in tests/conftest.py: use the `postgres` fixture.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.servers import free_port

INSTALL_HINT = "run scripts/install-postgres (Debian's postgresql package)"


@dataclass
class PostgresCluster:
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = "todos_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _postgres_bindir() -> Path | None:
    # Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin.
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    return None


def _cannot(reason: str) -> None:
    # In CI a missing PostgreSQL is a broken set-up, not a reason to pass quietly.
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    pytest.importorskip("psycopg", reason="psycopg is missing: pip install -e '.[demo]'")
    bindir = _postgres_bindir()
    if bindir is None:
        _cannot(f"PostgreSQL's initdb and pg_ctl are missing: {INSTALL_HINT}")
        raise AssertionError("unreachable")
    as_owner: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _cannot(f"running as root and there is no 'postgres' user: {INSTALL_HINT}")
            raise AssertionError("unreachable") from None
        as_owner = ["runuser", "-u", "postgres", "--"]

    # Not under pytest's tmp_path: its folders are private to root, and the postgres user
    # must reach this one.
    base = Path(tempfile.mkdtemp(prefix="kite-postgres-"))
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data = base / "data"
    port = free_port()

    def run(*command: str | Path) -> None:
        subprocess.run(
            [*as_owner, *map(str, command)],
            check=True,
            # A folder the postgres user may enter; the caller's may be private to root.
            cwd=base,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
        )

    started = False
    try:
        run(bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync")  # fmt: skip
        # Durability is pointless for a cluster that lives as long as the test run.
        options = (
            f"-k {shlex.quote(str(base))} -h 127.0.0.1 -p {port}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(bindir / "pg_ctl", "-D", data, "-l", base / "server.log", "-o", options,
            "-w", "-t", "60", "start")  # fmt: skip
        started = True
        yield PostgresCluster(port=port)
    except subprocess.CalledProcessError as exc:
        log = (base / "server.log").read_text(errors="replace") if started else ""
        raise RuntimeError(
            f"{shlex.join(map(str, exc.cmd))} failed:\n{exc.stderr.decode(errors='replace')}\n{log}"
        ) from exc
    finally:
        if started:
            run(bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def pg_rows(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
