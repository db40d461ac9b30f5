import pytest

from kite.sansio.routing import (
    RouteIdError,
    conflict_key,
    decode_path,
    parse_route_id,
    sort_route_ids,
)


@pytest.mark.parametrize(
    ("route_id", "path", "params"),
    [
        ("/", "/", {}),
        ("/about", "/about", {}),
        ("/about", "/abou", None),
        ("/blog/[slug]", "/blog/hello", {"slug": "hello"}),
        ("/blog/[slug]", "/blog/a%2Fb", {"slug": "a/b"}),
        ("/blog/[slug]", "/blog/caf%C3%A9", {"slug": "café"}),
        ("/blog/[slug]", "/blog/100%25", {"slug": "100%"}),
        ("/blog/[slug]", "/blog", None),
        ("/blog/[slug]", "/blog/a/b", None),
        ("/[[lang]]/about", "/about", {}),
        ("/[[lang]]/about", "/fr/about", {"lang": "fr"}),
        ("/files/[...path]", "/files", {"path": ""}),
        ("/files/[...path]", "/files/a/b/c", {"path": "a/b/c"}),
        ("/(app)/dashboard", "/dashboard", {}),
        ("/(app)/(nested)/x/[id]", "/x/7", {"id": "7"}),
        ("/x/[a]-[b]", "/x/1-2", {"a": "1", "b": "2"}),
        ("/x/[a]-[b]", "/x/12", None),
        ("/[...rest]", "/", {"rest": ""}),
    ],
)
def test_match(route_id: str, path: str, params: dict[str, str] | None) -> None:
    assert parse_route_id(route_id).match(decode_path(path)) == params


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("/[slug", "without its closing"),
        ("/slug]", "unbalanced"),
        ("/[[lang]", "without its closing"),
        ("/[a][b]", "side by side"),
        ("/[...a]/[...b]", "more than one [...rest]"),
        ("/[a]/[a]", "twice"),
        ("/[1abc]", "not a valid parameter name"),
        ("/[id=integer]", "matcher"),
        ("/x[...rest]", "whole folder name"),
        ("/[[...rest]]", "not allowed"),
    ],
)
def test_malformed_route_ids_are_explained(folder: str, message: str) -> None:
    with pytest.raises(RouteIdError, match=message.replace("[", r"\[").replace(".", r"\.")):
        parse_route_id(folder)


def test_ranking_follows_sveltekit() -> None:
    ids = [
        "/[...rest]",
        "/blog/[slug]",
        "/blog/new",
        "/[a]",
        "/about",
        "/[[lang]]/about",
        "/blog/[slug]-x",
        "/",
        "/[[lang]]",
    ]
    ranked = sort_route_ids(ids)
    assert ranked.index("/about") < ranked.index("/[[lang]]/about")
    assert ranked.index("/blog/new") < ranked.index("/blog/[slug]-x") < ranked.index("/blog/[slug]")
    assert ranked.index("/[a]") < ranked.index("/[[lang]]") < ranked.index("/[...rest]")
    assert ranked[-1] == "/[...rest]"


def test_first_ranked_match_wins() -> None:
    ids = sort_route_ids(["/[...rest]", "/blog/[slug]", "/blog/new"])
    patterns = [parse_route_id(route_id) for route_id in ids]

    def winner(path: str) -> str:
        return next(p.route_id for p in patterns if p.match(path) is not None)

    assert winner("/blog/new") == "/blog/new"
    assert winner("/blog/other") == "/blog/[slug]"
    assert winner("/elsewhere/deep") == "/[...rest]"


def test_conflicts_ignore_groups_and_parameter_names() -> None:
    assert conflict_key("/(a)/about") == conflict_key("/(b)/about")
    assert conflict_key("/blog/[slug]") == conflict_key("/blog/[id]")
    assert conflict_key("/blog/[slug]") != conflict_key("/blog/[[slug]]")
    assert conflict_key("/about") != conflict_key("/[[lang]]/about")


@pytest.mark.parametrize("path", ["/a%zz", "/%", "/%e9"])
def test_malformed_paths_raise_value_error(path: str) -> None:
    with pytest.raises(ValueError):
        decode_path(path)
