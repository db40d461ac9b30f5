import pytest

from kite.sansio.prerender import EntryError, links_of, output_files, route_path


@pytest.mark.parametrize(
    ("route_id", "params", "path"),
    [
        ("/", {}, "/"),
        ("/about", {}, "/about"),
        ("/blog/[slug]", {"slug": "hello"}, "/blog/hello"),
        ("/blog/[slug]", {"slug": "a b/c"}, "/blog/a%20b%2Fc"),
        ("/blog/[slug]", {"slug": "café"}, "/blog/caf%C3%A9"),
        ("/(app)/x/[id]", {"id": "7"}, "/x/7"),
        ("/[[lang]]/about", {}, "/about"),
        ("/[[lang]]/about", {"lang": "fr"}, "/fr/about"),
        ("/files/[...path]", {"path": "a/b c"}, "/files/a/b%20c"),
        ("/files/[...path]", {"path": ""}, "/files"),
        ("/x/[a]-[b]", {"a": "1", "b": "2"}, "/x/1-2"),
    ],
)
def test_route_path(route_id: str, params: dict[str, str], path: str) -> None:
    assert route_path(route_id, params) == path


@pytest.mark.parametrize(
    ("route_id", "params", "message"),
    [
        ("/blog/[slug]", {}, "'slug' is missing"),
        ("/blog/[slug]", {"slug": ""}, "'slug' is missing or empty"),
        ("/blog/[slug]", {"slug": 3}, "parameters are strings"),
        ("/blog/[slug]", {"slug": "x", "id": "1"}, "no parameter named 'id'"),
        ("/blog/[slug]", {"slug": ".."}, "would leave"),
        ("/files/[...path]", {"path": "a/../../b"}, "would leave"),
    ],
)
def test_route_path_refuses_what_does_not_fit(
    route_id: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(EntryError, match=message):
        route_path(route_id, params)  # type: ignore[arg-type]


def test_links_of_keeps_this_sites_paths_once_in_order() -> None:
    document = """
        <a href="/about">About</a> <a href="/about?x=1#top">again</a>
        <a href="post">relative</a> <a href="../up">up</a>
        <a href="https://elsewhere.example/x">other site</a>
        <a href="mailto:someone@example.com">mail</a>
        <a href="/file.pdf" download>download</a>
        <a href="/café">raw</a> <a>no href</a> <link href="/style.css">
    """
    assert links_of(document, "http://localhost/blog/first") == [
        "/about",
        "/blog/post",
        "/up",
        "/caf%C3%A9",
    ]


@pytest.mark.parametrize(
    ("path", "trailing_slash", "files"),
    [
        ("/", "never", ["index.html"]),
        ("/", "always", ["index.html"]),
        ("/about", "never", ["about.html", "about/index.html"]),
        ("/about", "ignore", ["about.html", "about/index.html"]),
        ("/docs/guide/", "always", ["docs/guide/index.html"]),
    ],
)
def test_output_files(path: str, trailing_slash: str, files: list[str]) -> None:
    assert output_files(path, trailing_slash) == files
