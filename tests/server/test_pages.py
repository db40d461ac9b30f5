"""Pages over real HTTP: routing, layouts, loads, error pages, static files (basics app)."""

import socket

import pytest
from support import APPS
from support.servers import ServeApp, Server

HTML = {"accept": "text/html"}


@pytest.fixture
def basics(served_app: ServeApp) -> Server:
    return served_app(APPS / "basics")


def test_layouts_nest_and_the_shell_wraps_them(basics: Server) -> None:
    response = basics.client.get("/", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert body.startswith("<!doctype html>")
    assert '<div id="app"><nav>' in body
    assert "<main> <h1>Welcome</h1>" in body.replace("\n", " ")
    assert "<footer>Root layout: root-data</footer>" in body
    assert "<title>Home</title>" in body.split("</head>")[0]


def test_group_layouts_apply_without_appearing_in_the_url(basics: Server) -> None:
    body = basics.client.get("/pricing").text
    assert '<section class="marketing"><h1>Pricing</h1></section>' in body
    assert basics.client.get("/(marketing)/pricing").status_code == 404


def test_params_are_decoded_and_route_id_is_known(basics: Server) -> None:
    body = basics.client.get("/blog/hello%20w%C3%B6rld").text
    assert '<h1 id="slug">hello wörld</h1>' in body
    assert '<p id="route">/blog/[slug]</p>' in body


def test_optional_and_rest_parameters(basics: Server) -> None:
    assert '<p id="has-lang">False</p>' in basics.client.get("/optional").text
    assert '<p id="lang">en</p>' in basics.client.get("/en/optional").text
    assert '<p id="path">[]</p>' in basics.client.get("/files").text
    assert '<p id="path">[a/b/c]</p>' in basics.client.get("/files/a/b/c").text


def test_page_data_is_layout_data_merged_with_the_page_and_parent_works(basics: Server) -> None:
    body = basics.client.get("/parent/child").text
    assert '<p id="sum">1+2</p>' in body
    assert '<p id="shared">page</p>' in body  # the page's own key wins


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_trailing_slashes_redirect_with_308(basics: Server, method: str) -> None:
    response = basics.client.request(method, "/about/?x=1", headers={"origin": basics.url})
    assert response.status_code == 308
    assert response.headers["location"] == "/about?x=1"


def raw_get(server: Server, target: str) -> str:
    """The status line and headers for a request target httpx would rewrite."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received.split(b"\r\n\r\n")[0].decode("latin-1")


def test_trailing_slash_redirect_never_leaves_the_site(basics: Server) -> None:
    head = raw_get(basics, "//evil.example/")
    assert head.startswith("HTTP/1.1 308")
    assert "\r\nlocation: /evil.example\r\n" in head.lower()


def test_unknown_url_renders_the_root_error_page_with_404(basics: Server) -> None:
    response = basics.client.get("/no/such/page", headers=HTML)
    assert response.status_code == 404
    assert '<h1 id="status">404</h1>' in response.text
    assert "Root layout: root-data" in response.text  # inside the root layout


def test_error_in_load_renders_the_nearest_error_page(basics: Server) -> None:
    response = basics.client.get("/errors/in-load")
    assert response.status_code == 418
    assert (
        '<div class="errors-layout"><h1 class="errors-boundary">418: I am a teapot</h1></div>'
        in response.text
    )


def test_error_in_a_layout_uses_the_boundary_above_that_layout(basics: Server) -> None:
    response = basics.client.get("/errors/nested/page")
    assert response.status_code == 503
    assert "503: nested layout is down" in response.text
    assert "nested boundary" not in response.text


def test_error_body_comes_from_error_helper(basics: Server) -> None:
    response = basics.client.get("/blog/missing")
    assert response.status_code == 404
    assert (
        "This is your custom error page saying: &#34;<b>No such post</b>&#34;" not in response.text
    )
    assert "<b>No such post</b>" in response.text


def test_unexpected_errors_go_through_handle_error_without_traceback(basics: Server) -> None:
    response = basics.client.get("/errors/unexpected")
    assert response.status_code == 500
    assert "secret database detail (500 Internal Error)" in response.text  # the app's hook
    assert "Traceback" not in response.text
    assert "RuntimeError: secret database detail" in basics.log()


def test_static_files_are_served_at_the_root(basics: Server) -> None:
    response = basics.client.get("/logo.txt")
    assert response.status_code == 200
    assert response.text == "logo\n"
    assert basics.client.get("/../pyproject.toml").status_code == 404


def test_head_on_a_page_has_no_body(basics: Server) -> None:
    response = basics.client.head("/about")
    assert response.status_code == 200
    assert response.content == b""


def test_options_on_a_page(basics: Server) -> None:
    response = basics.client.options("/about")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_other_methods_on_a_page_get_405(basics: Server) -> None:
    response = basics.client.request(
        "DELETE", "/about", headers={"origin": basics.url, "content-type": "application/json"}
    )
    assert response.status_code == 405
    assert response.text == "DELETE method not allowed"
    assert response.headers["allow"] == "GET, OPTIONS, HEAD"


@pytest.mark.parametrize("path", ["/%", "/a%zz", "/blog/%ff", "/blog/%00"])
def test_malformed_paths_get_400(basics: Server, path: str) -> None:
    response = basics.client.get(path)
    assert response.status_code == 400


def test_unknown_method_gets_a_4xx(basics: Server) -> None:
    response = basics.client.request("BREW", "/about")
    assert 400 <= response.status_code < 500


def test_huge_header_gets_a_4xx_not_a_crash(basics: Server) -> None:
    response = basics.client.get("/about", headers={"x-big": "a" * 200_000})
    assert 400 <= response.status_code < 500
    assert basics.client.get("/about").status_code == 200


def test_loads_run_concurrently_unless_they_await_parent(basics: Server) -> None:
    assert '<p id="mode">concurrent</p>' in basics.client.get("/concurrent").text


def test_request_event_members(basics: Server) -> None:
    response = basics.client.get("/request-event")
    body = response.text
    assert '<p id="sync">/request-event</p>' in body  # get_request_event in a worker thread
    assert '<p id="async">/request-event</p>' in body
    assert '<p id="route">/request-event</p>' in body
    assert '<p id="client">127.0.0.1</p>' in body
    assert '<p id="parent">/request-event</p>' in body  # await event.parent()
    assert "&#34;X-Page&#34; header is already set" in body
    assert "Use event.cookies.set(name, value, ...)" in body
    assert response.headers["x-page"] == "request-event"
    assert response.headers["cache-control"] == "no-store"


def test_cookies_set_before_an_error_are_on_the_error_page(basics: Server) -> None:
    response = basics.client.get("/cookies/error")
    assert response.status_code == 409
    assert response.headers["set-cookie"].startswith("before-error=kept;")


def test_load_returning_a_non_dict_names_the_file(basics: Server) -> None:
    response = basics.client.get("/errors/bad-load")
    assert response.status_code == 500
    assert "errors/bad-load/+page.server.py returned list" in basics.log()
