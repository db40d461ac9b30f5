"""Issue 21 item 5 over HTTP: the `[csp]` setting, a fresh nonce per response on Kite's
scripts and in the header, hashes in "hash" and "auto" modes, report-only."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path

import pytest
from support import APPS
from support.building import copy_app, kite_build
from support.servers import ServeApp, Server

from kite.config import load_settings
from kite.exceptions import KiteError

NONCES = re.compile(r'<script[^>]*\snonce="([^"]*)"')


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def inline_scripts(document: str) -> list[str]:
    return re.findall(
        r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", document, re.DOTALL
    )


def app_with(tmp_path: Path, settings: str) -> Path:
    folder = tmp_path / "csp"
    shutil.copytree(APPS / "csp", folder)
    (folder / "kite.toml").write_text(settings)
    return folder


@pytest.fixture
def nonce_app(served_app: ServeApp) -> Server:
    return served_app(APPS / "csp")


def test_every_response_has_its_own_nonce_on_every_inline_script(nonce_app: Server) -> None:
    seen = set()
    for _ in range(2):
        response = nonce_app.client.get("/")
        header = response.headers["content-security-policy"]
        nonces = set(NONCES.findall(response.text))
        # The import map, the runtime's entry and the template's own script ({{ csp_nonce }}).
        assert len(NONCES.findall(response.text)) == 3
        assert len(nonces) == 1
        (nonce,) = nonces
        assert len(nonce) >= 22
        assert header == (
            f"script-src 'self' 'nonce-{nonce}'; object-src 'none'; frame-ancestors 'self'"
        )
        seen.add(nonce)
    assert len(seen) == 2


def test_an_enhanced_result_and_a_native_post_carry_the_policy(nonce_app: Server) -> None:
    url = nonce_app.url
    native = nonce_app.client.post(
        "/?/add", data={"count": "1"}, headers={"origin": url, "accept": "text/html"}
    )
    assert native.status_code == 200
    (nonce,) = set(NONCES.findall(native.text))
    assert f"'nonce-{nonce}'" in native.headers["content-security-policy"]
    enhanced = nonce_app.client.post(
        "/?/add",
        data={"count": "1"},
        headers={"origin": url, "x-sveltekit-action": "true", "accept": "application/json"},
    )
    assert enhanced.status_code == 200
    assert "nonce" not in enhanced.headers.get("content-security-policy", "")


def test_hash_mode_hashes_every_inline_script(serve_app: ServeApp, tmp_path: Path) -> None:
    folder = app_with(
        tmp_path, '[csp]\nmode = "hash"\n[csp.directives]\nscript-src = ["\'self\'"]\n'
    )
    server = serve_app(folder)
    response = server.client.get("/unsigned")
    header = response.headers["content-security-policy"]
    assert "nonce" not in header and "nonce=" not in response.text
    scripts = inline_scripts(response.text)
    assert len(scripts) == 2  # the import map and the template's script
    for text in scripts:
        assert sha256(text) in header
    assert server.client.get("/").text.count('nonce=""') == 1  # {{ csp_nonce }} is empty


def test_auto_mode_nonces_kites_scripts_and_hashes_the_others(
    serve_app: ServeApp, tmp_path: Path
) -> None:
    folder = app_with(tmp_path, "[csp]\nreport_only = true\n")
    server = serve_app(folder)
    response = server.client.get("/unsigned")
    header = response.headers["content-security-policy-report-only"]
    (nonce,) = set(NONCES.findall(response.text))
    assert header == (
        f"script-src 'self' 'nonce-{nonce}' " + sha256('document.body.dataset.unsigned = "ran";')
    )
    # Report-only leaves Kite's enforced framing policy as it was.
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[csp]\nmode = "strict"\n', 'csp.mode must be "nonce", "hash" or "auto"'),
        ("[csp]\nreport_only = 1\n", "csp.report_only must be true or false"),
        ("[csp.directives]\nscript-src = [\"'self'; x\"]\n", "is not a source"),
        ('[csp.directives]\n"Script Src" = ["\'self\'"]\n', "a directive is a lower-case name"),
        ("[csp]\nwhat = 1\n", "unknown setting 'csp.what'"),
    ],
)
def test_a_wrong_policy_is_refused_at_start(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "kite.toml").write_text(toml)
    with pytest.raises(KiteError, match=re.escape(message)):
        load_settings(tmp_path)


def test_default_src_takes_the_nonce_when_there_is_no_script_src(tmp_path: Path) -> None:
    (tmp_path / "kite.toml").write_text(
        "[csp.directives]\ndefault-src = [\"'self'\"]\nframe-ancestors = [\"'none'\"]\n"
    )
    policy = load_settings(tmp_path).csp
    assert policy is not None
    assert policy.header("N") == "default-src 'self' 'nonce-N'; frame-ancestors 'none'"


def test_a_prerendered_page_allows_the_import_map_by_its_hash(
    serve_app: ServeApp, tmp_path: Path
) -> None:
    folder = copy_app(APPS / "csp", tmp_path / "built")
    built = kite_build(folder)
    assert built.returncode == 0, built.stderr
    server = serve_app(folder)
    response = server.client.get("/static-page")
    assert response.status_code == 200
    assert "<h1>Built</h1>" in response.text
    # Written before any request: no nonce in it, and none in the header.
    assert "nonce=" not in response.text
    header = response.headers["content-security-policy"]
    (import_map,) = re.findall(r'<script type="importmap">(.*?)</script>', response.text)
    assert header == (
        f"script-src 'self' {sha256(import_map)}; object-src 'none'; frame-ancestors 'self'"
    )
