"""What `kite dev` says about a POST that names no action of the page (docs/form-actions.md).

Production answers such a POST with SvelteKit's plain 404 `No action with name 'x' found`;
under `kite dev` the log and the error page add which actions the page has and what to write
in the form instead.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["unknown_action_hint"]


def unknown_action_hint(requested: str | None, actions: Sequence[str], file: str) -> str:
    """The explanation for a POST to `?/requested` (None: no `?/name`) that matched none of
    `actions`, the action names of the page's `file`."""
    named = [name for name in actions if name != "default"]
    listed = ", ".join(f"'{name}'" for name in named)
    if not actions:
        return (
            f"{file} has `actions = {{}}`, an empty dict: no POST can reach this page. Add an "
            'action, e.g. `actions = {"default": save}` for a form without ?/name.'
        )
    if "default" in actions:
        return (
            f"{file} has only a default action: post to the page without ?/name "
            f'(<form method="POST">), or give the action the name {requested!r} in '
            f'`actions = {{"{requested}": ...}}` instead of "default".'
        )
    example = named[0]
    if requested is None:
        return (
            f"This form posts without ?/name, but {file} has only named actions ({listed}), "
            "so every form must name one: "
            f'<form method="POST" action="?/{example}">, or a button with '
            f'formaction="?/{example}". (A default action, for forms without ?/name, '
            "cannot be mixed with named ones.)"
        )
    return (
        f"{file} has no action named {requested!r}; its actions are {listed}. "
        f'Post to one of them, e.g. <form method="POST" action="?/{example}">, or add '
        f"{requested!r} to its `actions`."
    )
