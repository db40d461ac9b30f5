import pytest

from kite.sansio.page_options import (
    PageOptionError,
    PageOptions,
    declared_options,
    normalize_path,
    resolve_options,
)


@pytest.mark.parametrize(
    ("exports", "declared"),
    [
        ({}, {}),
        ({"load": print, "x": 1}, {}),
        ({"csr": False}, {"csr": False}),
        ({"csr": True, "prerender": "auto"}, {"csr": True, "prerender": "auto"}),
        (
            {"prerender": True, "trailing_slash": "always"},
            {"prerender": True, "trailing_slash": "always"},
        ),
        ({"trailing_slash": "ignore"}, {"trailing_slash": "ignore"}),
    ],
)
def test_declared_options(exports: dict[str, object], declared: dict[str, object]) -> None:
    assert declared_options(exports) == declared


@pytest.mark.parametrize(
    ("exports", "message"),
    [
        ({"csr": "no"}, "csr = 'no' is not a valid value; write csr = False"),
        ({"csr": 0}, "csr = 0 is not a valid value"),
        ({"prerender": 1}, "prerender = 1 is not a valid value"),
        ({"prerender": "yes"}, 'prerender = True, prerender = "auto"'),
        ({"trailing_slash": "Never"}, 'trailing_slash = "never" (the default)'),
        ({"trailing_slash": True}, "trailing_slash = True is not a valid value"),
        ({"trailingSlash": "always"}, "'trailingSlash' is not a page option: write it in Python"),
        ({"ssr": False}, "no ssr option"),
    ],
)
def test_bad_options_are_explained(exports: dict[str, object], message: str) -> None:
    with pytest.raises(PageOptionError) as caught:
        declared_options(exports)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("chain", "options"),
    [
        ([], PageOptions(csr=True, prerender=False, trailing_slash="never")),
        ([{"csr": False}, {}], PageOptions(csr=False)),
        ([{"csr": False}, {"csr": True}], PageOptions(csr=True)),
        ([{"prerender": True}, {}, {"prerender": False}], PageOptions(prerender=False)),
        (
            [{"prerender": True, "trailing_slash": "always"}, {"prerender": "auto"}],
            PageOptions(prerender="auto", trailing_slash="always"),
        ),
    ],
)
def test_deeper_declarations_win(chain: list[dict[str, object]], options: PageOptions) -> None:
    assert resolve_options(chain) == options


@pytest.mark.parametrize(
    ("path", "trailing_slash", "normalized"),
    [
        ("/", "never", "/"),
        ("/", "always", "/"),
        ("/about", "never", "/about"),
        ("/about/", "never", "/about"),
        ("/about", "always", "/about/"),
        ("/about/", "always", "/about/"),
        ("/about", "ignore", "/about"),
        ("/about/", "ignore", "/about/"),
        ("/a/b/", "never", "/a/b"),
        ("/a%2Fb/", "never", "/a%2Fb"),
        # Never a protocol-relative location.
        ("//evil.example/", "never", "/evil.example"),
        ("//evil.example", "always", "/evil.example/"),
        ("//", "never", "/"),
    ],
)
def test_normalize_path(path: str, trailing_slash: str, normalized: str) -> None:
    assert normalize_path(path, trailing_slash) == normalized  # type: ignore[arg-type]
