"""The runtime's page swap (`/_kite/render.js` showDocument, `/_kite/morph.js`) driven
directly in a real browser: which elements are kept, what the user's state becomes, which
scripts run, what happens to the head."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from support import APPS
from support.servers import ServeApp, Server

TIMEOUT_MS = 10_000


@pytest.fixture
def app(served_app: ServeApp) -> Server:
    return served_app(APPS / "actions")


@pytest.fixture
def js_page(browser: Browser, app: Server) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(app.url + "/")
        page.wait_for_selector("html[data-kite-ready]", state="attached")
        yield page
    finally:
        context.close()


def document(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def start_with(page: Page, body: str) -> None:
    """The body as the server rendered it: parsed, and its server state recorded."""
    page.evaluate(
        """async (html) => {
            const { recordServerState } = await import('/_kite/morph.js');
            document.body.innerHTML = html;
            recordServerState(document.body);
        }""",
        body,
    )


def swap(page: Page, body: str, head: str | None = None) -> None:
    if head is None:
        head = page.evaluate("document.head.innerHTML")
    page.evaluate(
        """async (html) => {
            const { showDocument } = await import('/_kite/render.js');
            showDocument(html, {});
        }""",
        document(body, head),
    )


def mark(page: Page, selector: str) -> None:
    page.evaluate("(s) => { document.querySelector(s).kiteMark = 'kept' }", selector)


def kept(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.querySelector(s)?.kiteMark === 'kept'", selector))


def run(page: Page, script: str, arg: Any = None) -> Any:
    return page.evaluate(script, arg)


def test_same_elements_are_kept_and_updated(js_page: Page) -> None:
    start_with(js_page, '<main class="m"><h1>Old</h1><p class="x" title="a">text</p></main>')
    mark(js_page, "main")
    mark(js_page, "p.x")
    swap(js_page, '<main class="m"><h1>New</h1><p class="x" data-new="1">more</p></main>')
    assert kept(js_page, "main") and kept(js_page, "p.x")
    assert run(js_page, "document.querySelector('h1').textContent") == "New"
    assert run(js_page, "[...document.querySelector('p.x').attributes].map(a => a.name)") == [
        "class",
        "data-new",
    ]


def test_insertions_and_removals_keep_the_others(js_page: Page) -> None:
    start_with(js_page, '<div class="a">a</div>\n<p class="x">x</p>\n<p class="y">y</p>')
    mark(js_page, "p.x")
    mark(js_page, "p.y")
    swap(js_page, '<p class="x">x</p>\n<h2>new</h2>\n<p class="y">y</p>')
    assert kept(js_page, "p.x") and kept(js_page, "p.y")
    assert run(js_page, "document.querySelector('div.a')") is None
    assert run(js_page, "[...document.body.children].map(e => e.localName)") == ["p", "h2", "p"]


def test_ids_decide_which_element_is_which(js_page: Page) -> None:
    start_with(js_page, '<div id="one">1</div><div id="two">2</div>')
    mark(js_page, "#two")
    swap(js_page, '<div id="two">two</div>')
    assert kept(js_page, "#two")
    assert run(js_page, "document.querySelector('#one')") is None


def test_typed_values_stay_unless_the_server_changes_them(js_page: Page) -> None:
    start_with(
        js_page,
        '<form><input name="a" value=""><input name="b" value="">'
        '<textarea name="c">old</textarea></form>',
    )
    js_page.fill("input[name=a]", "typed a")
    js_page.fill("input[name=b]", "typed b")
    js_page.fill("textarea", "typed c")
    swap(
        js_page,
        '<form><input name="a" value=""><input name="b" value="from server">'
        '<textarea name="c">new</textarea></form>',
    )
    values = "[...document.querySelectorAll('input, textarea')].map(e => e.value)"
    assert run(js_page, values) == ["typed a", "from server", "new"]


def test_checkboxes_and_selects_follow_server_changes_only(js_page: Page) -> None:
    start_with(
        js_page,
        '<input type="checkbox" name="x"><input type="checkbox" name="y">'
        '<select name="s"><option>a</option><option>b</option><option>c</option></select>',
    )
    js_page.check("input[name=x]")
    js_page.check("input[name=y]")
    js_page.uncheck("input[name=y]")  # touched: the attribute alone no longer decides
    js_page.select_option("select", "b")
    swap(
        js_page,
        '<input type="checkbox" name="x"><input type="checkbox" name="y" checked>'
        '<select name="s"><option>a</option><option>b</option><option>c</option></select>',
    )
    checked = run(js_page, "[...document.querySelectorAll('input')].map(e => e.checked)")
    assert checked == [True, True]
    assert run(js_page, "document.querySelector('select').value") == "b"
    swap(
        js_page,
        '<input type="checkbox" name="x"><input type="checkbox" name="y" checked>'
        '<select name="s"><option>a</option><option>b</option><option selected>c</option></select>',
    )
    assert run(js_page, "document.querySelector('select').value") == "c"


def test_controls_are_matched_by_name(js_page: Page) -> None:
    start_with(js_page, '<input name="first"><input name="second">')
    js_page.fill("input[name=second]", "typed")
    swap(js_page, '<input name="second">')
    assert run(js_page, "[...document.querySelectorAll('input')].map(e => [e.name, e.value])") == [
        ["second", "typed"]
    ]


def test_focus_caret_and_selection_survive(js_page: Page) -> None:
    start_with(js_page, '<p class="count">1</p><input class="field">')
    field = js_page.locator("input.field")
    field.fill("hello world")
    field.evaluate("i => i.setSelectionRange(3, 8)")
    swap(js_page, '<p class="count">2</p><p class="added">new</p><input class="field">')
    assert run(js_page, "document.activeElement.className") == "field"
    assert field.evaluate("i => [i.value, i.selectionStart, i.selectionEnd]") == [
        "hello world",
        3,
        8,
    ]


def test_open_details_follow_the_server_only_when_it_changes(js_page: Page) -> None:
    start_with(js_page, '<details class="d"><summary>s</summary>x</details><dialog open>d</dialog>')
    js_page.click("summary")
    run(js_page, "document.querySelector('dialog').close()")
    swap(js_page, '<details class="d"><summary>s</summary>x</details><dialog open>d</dialog>')
    assert run(js_page, "document.querySelector('details').open") is True
    assert run(js_page, "document.querySelector('dialog').open") is False
    swap(js_page, '<details class="d" open><summary>s</summary>x</details><dialog>d</dialog>')
    assert run(js_page, "document.querySelector('details').open") is True
    swap(js_page, '<details class="d"><summary>s</summary>x</details><dialog open>d</dialog>')
    assert run(js_page, "document.querySelector('details').open") is False
    assert run(js_page, "document.querySelector('dialog').open") is True


def test_new_and_changed_scripts_run_unchanged_ones_do_not(js_page: Page) -> None:
    run(js_page, "window.runs = []")
    script_a = '<script type="module">window.runs.push("a")</script>'
    script_b = '<script>window.runs.push("classic b")</script>'
    swap(js_page, "<p>1</p>" + script_a + script_b)
    js_page.wait_for_function("window.runs.length === 2")
    swap(js_page, "<p>2</p>" + script_a + script_b)
    swap(js_page, "<p>3</p>" + script_a.replace('"a"', '"a2"') + script_b)
    js_page.wait_for_function("window.runs.length === 3")
    run(js_page, "new Promise(r => setTimeout(r, 100))")
    assert sorted(run(js_page, "window.runs")) == ["a", "a2", "classic b"]


def test_json_scripts_are_data_not_code(js_page: Page) -> None:
    swap(js_page, '<script type="application/json" class="data">{"a": 1}</script>')
    swap(js_page, '<script type="application/json" class="data">{"a": 2}</script>')
    assert run(js_page, "JSON.parse(document.querySelector('script.data').textContent)") == {"a": 2}


def test_head_is_merged(js_page: Page) -> None:
    runtime = run(js_page, "document.querySelector('script[src*=\"/start.js\"]').outerHTML")
    head = runtime + '<title>One</title><style class="keep">p{}</style><meta name="gone">'
    swap(js_page, "<p>1</p>", head)
    mark(js_page, "style.keep")
    swap(js_page, "<p>2</p>", runtime + '<title>Two</title><style class="keep">p{}</style>')
    assert run(js_page, "document.title") == "Two"
    assert kept(js_page, "style.keep")
    assert run(js_page, "document.querySelector('meta[name=gone]')") is None
    assert run(js_page, "document.querySelectorAll('script[src*=\"/start.js\"]').length") == 1
    # A new runtime (another version) is never started next to the running one.
    swap(js_page, "<p>3</p>", '<script type="module" src="/_kite/other/start.js"></script>')
    assert run(js_page, "document.querySelectorAll('script[src*=\"/_kite/\"]').length") == 1


def test_html_and_body_attributes(js_page: Page) -> None:
    run(js_page, "document.documentElement.classList.add('by-script')")
    page_html = (
        "<!doctype html><html lang='fr' data-server='1'><head></head>"
        "<body data-kite-navigate><p>x</p></body></html>"
    )
    run(
        js_page,
        """async (html) => {
            const { showDocument } = await import('/_kite/render.js');
            showDocument(html, {});
        }""",
        page_html,
    )
    attributes = "(e) => e.getAttributeNames().sort()"
    assert js_page.locator("html").evaluate(attributes) == [
        "class",
        "data-kite-ready",
        "data-server",
        "lang",
    ]
    assert js_page.locator("body").evaluate(attributes) == ["data-kite-navigate"]
    run(
        js_page,
        """async (html) => {
            const { showDocument } = await import('/_kite/render.js');
            showDocument(html, {});
        }""",
        "<!doctype html><html lang='en'><head></head><body><p>x</p></body></html>",
    )
    assert js_page.locator("html").evaluate(attributes) == ["class", "data-kite-ready", "lang"]
    assert js_page.locator("body").evaluate(attributes) == []


def test_clobbering_controls_do_not_break_the_swap(js_page: Page) -> None:
    traps = "".join(
        f'<input type="hidden" name="{name}" value="trap">'
        for name in ["nextSibling", "firstChild", "attributes", "localName", "remove", "id"]
    )
    start_with(js_page, f'<form class="f" action="/x">{traps}<p>old</p></form>')
    mark(js_page, "form.f")
    swap(js_page, f'<form class="f" action="/y">{traps}<p>new</p><span>added</span></form>')
    assert kept(js_page, "form.f")
    assert run(js_page, "document.querySelector('form.f p').textContent") == "new"
    assert run(js_page, "document.querySelector('form.f span').textContent") == "added"
    assert run(js_page, "document.querySelector('form.f').getAttribute('action')") == "/y"


def test_scripts_run_again_when_a_form_they_enhanced_is_replaced(js_page: Page) -> None:
    script = '<script type="module">window.runs = (window.runs ?? 0) + 1</script>'
    start_with(js_page, '<form id="a" method="post"></form>' + script)
    enhance = """async (selector) => {
        const { enhance } = await import('/_kite/forms.js');
        enhance(document.querySelector(selector));
    }"""
    run(js_page, enhance, "form#a")
    swap(js_page, '<form id="a" method="post"><p>changed inside</p></form>' + script)
    run(js_page, "new Promise(r => setTimeout(r, 100))")
    assert run(js_page, "window.runs ?? 0") == 0  # the form is still there: nothing to redo
    swap(js_page, '<form id="b" method="post"></form>' + script)
    js_page.wait_for_function("window.runs === 1")
