"""Under `kite dev`, a POST that names no action of the page explains itself; production
answers SvelteKit's plain 404."""

import pytest
from support import APPS
from support.servers import ServeApp

APP = APPS / "action_names"

CASES = [
    (
        "/named",
        "No action with name 'default' found",
        "only named actions ('login', 'register')",
    ),
    ("/named?/logout", "No action with name 'logout' found", "its actions are 'login', 'register'"),
    ("/default?/x", "No action with name 'x' found", "has only a default action"),
    ("/empty", "No action with name 'default' found", "`actions = {}`"),
]


@pytest.mark.parametrize(("path", "detail", "hint"), CASES)
def test_dev_names_the_actions(served_app: ServeApp, path: str, detail: str, hint: str) -> None:
    dev = served_app(APP, dev=True)
    response = dev.client.post(
        path, data={"a": "1"}, headers={"origin": dev.url, "accept": "text/html"}
    )
    assert response.status_code == 404
    assert '<h1 id="status">404</h1>' in response.text
    assert '<p id="message">Not Found</p>' in response.text
    page = response.text.replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")
    page = page.replace("&quot;", '"')
    assert 'id="kite-dev-error"' in page
    assert detail in page and hint in page
    assert "src/routes/" + path.split("?")[0].strip("/") + "/+page.server.py" in page
    log = dev.log()
    assert detail in log and hint in log


@pytest.mark.parametrize(("path", "detail", "hint"), CASES)
def test_production_keeps_the_plain_404(
    served_app: ServeApp, path: str, detail: str, hint: str
) -> None:
    server = served_app(APP)
    html = server.client.post(
        path, data={"a": "1"}, headers={"origin": server.url, "accept": "text/html"}
    )
    assert html.status_code == 404
    assert '<p id="message">Not Found</p>' in html.text
    assert "kite-dev-error" not in html.text and "+page.server.py" not in html.text
    enhanced = server.client.post(
        path, data={"a": "1"}, headers={"origin": server.url, "accept": "application/json"}
    )
    assert enhanced.status_code == 404
    assert enhanced.json()["error"] == {"message": "Not Found", "status": 404}
    assert hint not in server.log()
