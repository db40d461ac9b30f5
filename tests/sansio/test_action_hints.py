import pytest

from kite.sansio.action_hints import unknown_action_hint

FILE = "src/routes/login/+page.server.py"


@pytest.mark.parametrize(
    ("requested", "actions", "expected"),
    [
        (
            None,
            ["login", "register"],
            [
                "posts without ?/name",
                "only named actions ('login', 'register')",
                '<form method="POST" action="?/login">',
                'formaction="?/login"',
            ],
        ),
        (
            "logout",
            ["login", "register"],
            [
                "no action named 'logout'",
                "its actions are 'login', 'register'",
                '<form method="POST" action="?/login">',
            ],
        ),
        (
            "login",
            ["default"],
            ["only a default action", "without ?/name", '`actions = {"login": ...}`'],
        ),
        (None, [], ["`actions = {}`", '`actions = {"default": save}`']),
        ("x", [], ["`actions = {}`"]),
    ],
)
def test_unknown_action_hint(
    requested: str | None, actions: list[str], expected: list[str]
) -> None:
    hint = unknown_action_hint(requested, actions, FILE)
    assert FILE in hint
    for fragment in expected:
        assert fragment in hint, hint
