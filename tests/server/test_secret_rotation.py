"""Rotating the secret that seals data tokens (docs/deployment.md, "Secrets"): the newest
secret seals, any listed one opens, and a token no listed secret opens is ignored (the
loads run), never an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import APPS
from support.servers import ServeApp, Server
from test_runtime_protocol import enhanced, loaded_at, page_state

from kite.config import load_settings
from kite.exceptions import KiteError
from kite.server.tokens import DataSealer

PAGE = "/actions/cross-page/same-page"
OLD = "old-secret-0123456789abcdef"
NEW = "new-secret-0123456789abcdef"


def serve(serve_app: ServeApp, current: str, *fallbacks: str) -> Server:
    env = {"KITE_SECRET": current, "KITE_SECRET_FALLBACKS": ",".join(fallbacks)}
    return serve_app(APPS / "actions", env=env)


def sealed_page(server: Server) -> tuple[str, str]:
    """The data token of PAGE and when its loads ran."""
    html = server.client.get(PAGE).text
    return page_state(html)["token"], loaded_at(html)


def reused_sealed_data(server: Server, token: str, loaded: str) -> bool:
    """Whether a failed enhanced post re-rendered PAGE from the token (its loads did not
    run) rather than running the loads; either way the failure is answered normally."""
    result = enhanced(server, PAGE + "?/fail", token)
    assert result["type"] == "failure", result
    document = result["kite"]["document"]
    assert page_state(document)["status"] == 400
    return loaded_at(document) == loaded


def test_rolling_from_one_secret_to_another(serve_app: ServeApp) -> None:
    # Step 0: only the old secret.
    before = serve(serve_app, OLD)
    old_token, old_loaded = sealed_page(before)
    assert reused_sealed_data(before, old_token, old_loaded)
    before.stop()

    # Step 1: the new secret first, the old one still accepted.
    during = serve(serve_app, NEW, OLD)
    assert reused_sealed_data(during, old_token, old_loaded)
    new_token, new_loaded = sealed_page(during)
    assert new_token != old_token
    during.stop()

    # Step 2: the old secret is gone. Tokens sealed in step 1 open; step 0's are ignored
    # and the loads run, as for any token the server cannot open.
    after = serve(serve_app, NEW)
    assert reused_sealed_data(after, new_token, new_loaded)
    assert not reused_sealed_data(after, old_token, old_loaded)


def test_a_token_under_an_unknown_secret_runs_the_loads(serve_app: ServeApp) -> None:
    foreign = serve(serve_app, "somebody-elses-secret")
    token, loaded = sealed_page(foreign)
    foreign.stop()
    server = serve(serve_app, NEW, OLD)
    assert not reused_sealed_data(server, token, loaded)


def sealer(secret: str, *fallbacks: str) -> DataSealer:
    return DataSealer(
        secret, fallbacks=fallbacks, max_size=32 * 1024, max_age=3600, reducers={}, revivers={}
    )


def test_the_newest_secret_seals_and_every_listed_one_opens() -> None:
    data = [{"n": 1}]
    old_token = sealer(OLD).seal(["page:/"], data)
    new_token = sealer(NEW, OLD).seal(["page:/"], data)
    assert old_token is not None and new_token is not None
    assert sealer(NEW, OLD).open(old_token, ["page:/"]) == data
    assert sealer(NEW).open(new_token, ["page:/"]) == data  # sealed with the newest
    assert sealer(OLD).open(new_token, ["page:/"]) == []
    assert sealer(NEW).open(old_token, ["page:/"]) == []


@pytest.mark.parametrize(
    ("toml", "environ", "expected"),
    [
        ("", {}, (None, ())),
        ('[render]\nsecret_key = "a"', {}, ("a", ())),
        ('[render]\nsecret_key = ["b", "a"]', {}, ("b", ("a",))),
        ('[render]\nsecret_key = ["b", "a"]', {"KITE_SECRET": "c"}, ("c", ())),
        ("", {"KITE_SECRET": "b", "KITE_SECRET_FALLBACKS": "a, z,"}, ("b", ("a", "z"))),
        ("", {"KITE_SECRET_FALLBACKS": "a"}, (None, ())),
    ],
)
def test_secret_settings(
    tmp_path: Path, toml: str, environ: dict[str, str], expected: tuple[object, ...]
) -> None:
    (tmp_path / "kite.toml").write_text(toml)
    settings = load_settings(tmp_path, environ=environ)
    assert (settings.secret_key, settings.secret_key_fallbacks) == expected


@pytest.mark.parametrize("value", ["[]", '["a", ""]', "[1]", "true"])
def test_a_bad_secret_list_names_the_file(tmp_path: Path, value: str) -> None:
    (tmp_path / "kite.toml").write_text(f"[render]\nsecret_key = {value}")
    with pytest.raises(KiteError, match=r"kite\.toml: 'render\.secret_key' must be a string"):
        load_settings(tmp_path, environ={})
