"""Installing what the benchmark needs, each step skipped when already done.

- wrk from Debian (apt-get, non-interactive).
- the latest SvelteKit packages from npm into bench/.cache/sveltekit (never into the repo).
- a Node.js new enough for that SvelteKit: the system's `node` if it satisfies the kit's
  `engines`, else the `node-linux-<arch>` package from npm (a registry package holding the
  official binary) into bench/.cache/node.
- the SvelteKit build, redone when its sources, packages or origin changed.
- FastAPI (pinned, `FASTAPI`) into .venv for the FastAPI contender, with Starlette held at the
  version Kite runs on: FastAPI is no dependency of Kite, and must not move Kite's Starlette.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from pathlib import Path

from harness.paths import APPS, CACHE, SEED, VENV_PYTHON

SVELTEKIT_SRC = APPS / "sveltekit"
SVELTEKIT_DIR = CACHE / "sveltekit"
NODE_DIR = CACHE / "node"
NODE_PACKAGES = (
    "@sveltejs/kit",
    "@sveltejs/adapter-node",
    "svelte",
    "vite",
    "@sveltejs/vite-plugin-svelte",
)


# The newest FastAPI when this was written; bump it by hand, as the Node packages are not.
FASTAPI = "0.163.2"


class InstallError(RuntimeError):
    pass


def _run(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise InstallError(f"{' '.join(command)} failed ({result.returncode}):\n{output}")
    return result.stdout


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise InstallError("wrk is missing and there is no apt-get to install it")
    print("install: wrk (apt-get)", flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # A fresh machine may have no package lists yet: update only if the first try fails.
    try:
        _run([*prefix, "apt-get", "install", "-y", "-q", "wrk"], env=env)
    except InstallError:
        _run([*prefix, "apt-get", "update", "-q"], env=env)
        _run([*prefix, "apt-get", "install", "-y", "-q", "wrk"], env=env)
    found = shutil.which("wrk")
    if not found:
        raise InstallError("apt-get installed wrk but it is not on PATH")
    return found


def _tree_digest(folder: Path, extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_node_packages(reinstall: bool = False) -> None:
    """npm install the app's package.json (all "latest") into bench/.cache/sveltekit."""
    if shutil.which("npm") is None:
        raise InstallError("npm is missing: install Node.js (Debian: apt-get install nodejs npm)")
    SVELTEKIT_DIR.mkdir(parents=True, exist_ok=True)
    package_json = (SVELTEKIT_SRC / "package.json").read_bytes()
    stamp = SVELTEKIT_DIR / ".installed"
    wanted = hashlib.sha256(package_json).hexdigest()
    if not reinstall and stamp.is_file() and stamp.read_text() == wanted:
        return
    print("install: npm packages (latest) into bench/.cache/sveltekit", flush=True)
    (SVELTEKIT_DIR / "package.json").write_bytes(package_json)
    (SVELTEKIT_DIR / "package-lock.json").unlink(missing_ok=True)
    _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=SVELTEKIT_DIR)
    stamp.write_text(wanted)


def package_version(name: str) -> str:
    path = SVELTEKIT_DIR / "node_modules" / name / "package.json"
    return str(json.loads(path.read_text())["version"]) if path.is_file() else "?"


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _node_satisfies(node: str, engines: str) -> bool:
    """Only the `>=X.Y` form SvelteKit uses; anything else is taken as satisfied."""
    match = re.fullmatch(r"\s*>=\s*([\d.]+)\s*", engines)
    if match is None:
        return True
    version = _run([node, "--version"]).strip().lstrip("v")
    return _version_tuple(version) >= _version_tuple(match.group(1))


def ensure_node() -> str:
    """The node binary to build and run SvelteKit with."""
    kit = json.loads((SVELTEKIT_DIR / "node_modules/@sveltejs/kit/package.json").read_text())
    engines = kit.get("engines", {}).get("node", "")
    system = shutil.which("node")
    if system and _node_satisfies(system, engines):
        return system
    arch = {"x86_64": "x64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    package = f"node-linux-{arch}"
    binary = NODE_DIR / "node_modules" / package / "bin" / "node"
    if binary.is_file() and _node_satisfies(str(binary), engines):
        return str(binary)
    print(f"install: {package} from npm (SvelteKit needs node {engines})", flush=True)
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    (NODE_DIR / "package.json").write_text('{"private": true}\n')
    _run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", f"{package}@latest"],
        cwd=NODE_DIR,
    )
    if not binary.is_file():
        raise InstallError(f"npm installed {package} but {binary} is missing")
    return str(binary)


def build_sveltekit(node: str, origin: str) -> Path:
    """Copy the app's sources next to node_modules and `vite build` them for `origin`.

    Returns the adapter-node output folder (run it with `node build`)."""
    for name in ("src", "vite.config.js", "package.json"):
        source, target = SVELTEKIT_SRC / name, SVELTEKIT_DIR / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    versions = ",".join(package_version(name) for name in NODE_PACKAGES)
    wanted = _tree_digest(SVELTEKIT_SRC, f"{origin}|{versions}|{node}")
    stamp = SVELTEKIT_DIR / ".built"
    build = SVELTEKIT_DIR / "build"
    if stamp.is_file() and stamp.read_text() == wanted and (build / "index.js").is_file():
        return build
    print(f"build: SvelteKit (vite build, paths.origin {origin})", flush=True)
    env = {**os.environ, "ORIGIN": origin, "BENCH_SEED": str(SEED)}
    vite = SVELTEKIT_DIR / "node_modules" / "vite" / "bin" / "vite.js"
    _run([node, str(vite), "build"], cwd=SVELTEKIT_DIR, env=env)
    stamp.write_text(wanted)
    return build


def _venv_version(name: str) -> str | None:
    """`name`'s version in .venv (which the Python contenders run on), None if missing."""
    code = (
        "import sys; from importlib import metadata\n"
        "try: print(metadata.version(sys.argv[1]))\n"
        "except metadata.PackageNotFoundError: pass"
    )
    return _run([str(VENV_PYTHON), "-c", code, name]).strip() or None


def ensure_fastapi() -> None:
    """pip install fastapi==FASTAPI into .venv unless it is there; Starlette stays as it is
    (pip fails, loudly, if that FastAPI cannot run on Kite's Starlette)."""
    if _venv_version("fastapi") == FASTAPI:
        return
    starlette = _venv_version("starlette")
    if starlette is None:
        raise InstallError("Starlette is missing from .venv: run scripts/setup")
    print(f"install: fastapi=={FASTAPI} into .venv (starlette=={starlette} kept)", flush=True)
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, f"fastapi=={FASTAPI}", f"starlette=={starlette}"])
