"""Renders the Kite app's own templates (`bench/apps/kite/src`) without Kite, for the
Starlette and raw-ASGI contenders: page inside `+layout.html` inside `app.html`.

The same Jinja2 settings as Kite (autoescape, ChainableUndefined so that `form.email` works
when `form` is None); no runtime script in the head, as these contenders have none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

KITE_SRC = Path(__file__).resolve().parent.parent / "kite" / "src"


class Pages:
    def __init__(self, src: Path = KITE_SRC) -> None:
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(src)),
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
        )
        self.layout = self.environment.get_template("routes/+layout.html")
        shell = (src / "app.html").read_text(encoding="utf-8")
        head_at, body_at = shell.index("%kite.head%"), shell.index("%kite.body%")
        self.before = shell[:head_at]
        self.middle = shell[head_at + len("%kite.head%") : body_at]
        self.after = shell[body_at + len("%kite.body%") :]

    def render(self, route: str, data: dict[str, Any], form: Any = None) -> str:
        """`route` is the folder under routes/, e.g. "login"."""
        page = self.environment.get_template(f"routes/{route}/+page.html")
        body = page.render(data=data, form=form)
        document = self.layout.render(data=data, form=form, children=Markup(body))
        return f"{self.before}{self.middle}{document}{self.after}"
