"""`validators = {...}` in a +page.server.py: what it may hold, and the errors that say what to
write instead (live validation, docs/typed-forms.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kite import create_app
from kite.exceptions import KiteError

MODEL = "from pydantic import BaseModel\n\n\nclass Signup(BaseModel):\n    email: str\n\n\n"


def _app(tmp_path: Path, page_server: str) -> Path:
    routes = tmp_path / "src" / "routes" / "form"
    routes.mkdir(parents=True)
    (routes / "+page.server.py").write_text(MODEL + page_server, encoding="utf-8")
    (routes / "+page.html").write_text("<p>form</p>", encoding="utf-8")
    return tmp_path


def test_a_model_a_function_or_a_list_of_them(tmp_path: Path) -> None:
    page = (
        "def rule(event):\n    return None\n\n\n"
        'actions = {"a": print, "b": print, "c": print}\n'
        'validators = {"a": Signup, "b": rule, "c": [Signup, rule]}\n'
    )
    create_app(_app(tmp_path, page))


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (
            'actions = {"save": print}\nvalidators = [Signup]\n',
            r"'validators' must be a dict from action name",
        ),
        (
            'actions = {"save": print}\nvalidators = {"sav": Signup}\n',
            r"validators names 'sav', which is not one of its actions \('save'\)",
        ),
        (
            'actions = {"save": print}\nvalidators = {"save": [Signup, "email"]}\n',
            r"the validator of action 'save' is 'email', not a model class or a function",
        ),
        (
            'validators = {"save": Signup}\n',
            r"'validators' validate its actions' forms, and it has no actions",
        ),
    ],
)
def test_wrong_declarations_name_the_file_and_the_fix(
    tmp_path: Path, page: str, message: str
) -> None:
    with pytest.raises(KiteError, match=r"form/\+page\.server\.py: .*" + message):
        create_app(_app(tmp_path, page))
