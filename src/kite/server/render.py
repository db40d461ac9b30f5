"""Templates: the Jinja2 environment, layouts nested through `{{ children }}`, and the
`src/app.html` shell with `%kite.head%` and `%kite.body%`."""

from __future__ import annotations

import contextvars
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from kite.exceptions import KiteError
from kite.forms.markup import bind_forms
from kite.server.jinja import KiteEnvironment, render_template
from kite.server.template_check import check_templates, reaches_marker

__all__ = ["PageState", "Renderer"]

DEFAULT_SHELL = """<!doctype html>
<html lang="en">
\t<head>
\t\t<meta charset="utf-8">
\t\t<meta name="viewport" content="width=device-width, initial-scale=1">
\t\t%kite.head%
\t</head>
\t<body>
\t\t<div>%kite.body%</div>
\t</body>
</html>
"""

WHERE_NAMES_RESOLVE = (
    "Names in {% extends %}, {% include %}, {% import %} and {% from %} are looked up in src/ "
    '("lib/card.html", "routes/blog/row.html"), then in src/lib/ ("card.html"); '
    "a name starting with ./ or ../ is relative to the template that names it."
)

_head_parts: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "kite_head_parts", default=None
)


class HeadExtension(Extension):
    """`{% head %}<title>Login</title>{% endhead %}` puts markup into `%kite.head%`."""

    tags = {"head"}  # noqa: RUF012 - jinja2.ext.Extension declares it as an instance attribute

    def parse(self, parser: jinja2.parser.Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endhead",), drop_needle=True)
        call = self.call_method("_collect")
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _collect(self, caller: Any) -> str:
        parts = _head_parts.get()
        if parts is not None:
            parts.append(str(caller()))
        return ""


@dataclass
class PageState:
    """`page` in templates: what the page is and how it got here."""

    url: Any
    params: Mapping[str, str]
    route: Any
    status: int = 200
    error: Mapping[str, Any] | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    form: Any = None
    # The route's typed forms (form id -> model): `forms` in templates.
    form_models: Mapping[str, Any] = field(default_factory=dict, repr=False)


class Renderer:
    def __init__(self, src: Path, *, dev: bool) -> None:
        self.src = src
        self.dev = dev
        self.environment = KiteEnvironment(
            # `{% include "lib/card.html" %}` and `{% include "card.html" %}` alike find
            # src/lib/card.html: names are looked up in src/, then in src/lib/.
            loader=jinja2.FileSystemLoader([str(src), str(src / "lib")]),
            autoescape=jinja2.select_autoescape(("html", "htm", "xml"), default_for_string=True),
            undefined=jinja2.ChainableUndefined,
            auto_reload=dev,
            extensions=[HeadExtension],
            enable_async=False,
            # Every template stays compiled once compiled: the start-up check compiles each
            # one the app can reach, and those are the ones rendering uses (Jinja's default
            # of 400 would compile an app of 5,000 routes twice at start-up, and again on
            # renders). The app's own templates are finite, so the cache is too.
            cache_size=-1,
        )
        # `{{ form | tojson }}` writes what JSON.stringify would: compact, keys in order.
        self.environment.policies["json.dumps_kwargs"] = {
            "sort_keys": False,
            "separators": (",", ":"),
            "ensure_ascii": False,
        }
        # Compiled templates by name, in production (`kite dev` lets Jinja look for changes).
        self._templates: dict[str, jinja2.Template] = {}
        # Whether a chain of templates can use the runtime (`enhances`), by template names.
        self._enhances: dict[tuple[str, ...], bool] = {}
        self._shell_path = src / "app.html"
        self._shell = self._read_shell()
        self._shell_mtime = self._mtime()

    def _mtime(self) -> float:
        try:
            return self._shell_path.stat().st_mtime
        except OSError:
            return 0.0

    def _read_shell(self) -> tuple[str, str, str]:
        text = (
            self._shell_path.read_text(encoding="utf-8")
            if self._shell_path.is_file()
            else DEFAULT_SHELL
        )
        for marker in ("%kite.head%", "%kite.body%"):
            if text.count(marker) != 1:
                raise KiteError(
                    f"{self._shell_path}: must contain {marker} exactly once "
                    "(%kite.head% inside <head>, %kite.body% inside <body>)"
                )
        head_at, body_at = text.index("%kite.head%"), text.index("%kite.body%")
        if body_at < head_at:
            raise KiteError(f"{self._shell_path}: %kite.head% must come before %kite.body%")
        return (
            text[:head_at],
            text[head_at + len("%kite.head%") : body_at],
            text[body_at + len("%kite.body%") :],
        )

    def compile_all(self, names: Sequence[str]) -> None:
        """Compile every template at start-up, and every one they pull in, so that a missing
        or broken one stops the app early (template_check.py)."""
        compiled = check_templates(self.environment, names, WHERE_NAMES_RESOLVE)
        if not self.dev:
            self._templates.update(compiled)

    def enhances(self, names: Sequence[str | None]) -> bool:
        """Whether these templates (a page or error page inside its layouts), or any they
        pull in, can use Kite's runtime: `use:enhance`, `data-enhance` or a `/_kite/`
        import in their source. Only such a page needs its load data sealed in a token
        (docs/runtime-design.md). Known from the templates when the app starts; `kite dev`
        asks again on each render, as it reloads templates."""
        key = tuple(name for name in names if name is not None)
        found = self._enhances.get(key)
        if found is None:
            found = reaches_marker(self.environment, key)
            if not self.dev:
                self._enhances[key] = found
        return found

    def render_document(
        self,
        templates: Sequence[tuple[str | None, Mapping[str, Any]]],
        page: PageState,
        *,
        head: Callable[[str], str] | None = None,
        body_suffix: str = "",
    ) -> str:
        """Render the innermost template first, then each layout around it, then the shell.

        `templates` runs root layout first; a None name passes `children` through. `head`
        makes the start of `%kite.head%` from the rendered body.
        """
        parts: list[str] = []
        token = _head_parts.set(parts)
        forms = bind_forms(page.form_models, page.form)
        try:
            children = Markup("")
            for name, data in reversed(templates):
                if name is None:
                    continue
                template = self._template(name)
                context = {
                    "data": data,
                    "form": page.form,
                    "page": page,
                    "children": children,
                    "forms": forms,
                }
                children = Markup(render_template(template, context))
        finally:
            _head_parts.reset(token)
        body = str(children) + body_suffix
        return self.wrap(body, (head(body) if head else "") + "".join(parts))

    def _template(self, name: str) -> jinja2.Template:
        template = self._templates.get(name)
        if template is None:
            template = self.environment.get_template(name)
            if not self.dev:
                self._templates[name] = template
        return template

    def wrap(self, body: str, head: str) -> str:
        if self.dev and self._mtime() != self._shell_mtime:
            self._shell = self._read_shell()
            self._shell_mtime = self._mtime()
        before, middle, after = self._shell
        return f"{before}{head}{middle}{body}{after}"


def fallback_error_page(status: int, message: str, details: str = "") -> str:
    """The page shown when there is no `+error.html`, or it failed too."""
    extra = f"<pre>{html.escape(details)}</pre>" if details else ""
    return (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{status} {html.escape(message)}</title></head>\n"
        f"<body><h1>{status}</h1><p>{html.escape(message)}</p>{extra}</body>\n</html>\n"
    )
