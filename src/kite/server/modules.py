"""Import the app's server modules (`+page.server.py` & co.) from their paths, and check
what they export so that mistakes are reported at start-up, naming the file."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kite.exceptions import KiteError
from kite.sansio.limits import parse_size
from kite.sansio.page_options import PageOptionError, declared_options
from kite.server.limits import BodySize
from kite.server.packages import import_path

__all__ = [
    "HTTP_METHODS",
    "EndpointModule",
    "HooksModule",
    "ServerModule",
    "import_path",
    "load_endpoint",
    "load_hooks",
    "load_server_module",
]

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


Handler = Callable[..., Any]


@dataclass
class ServerModule:
    """What a `+page.server.py` or `+layout.server.py` provides."""

    path: Path
    load: Handler | None = None
    actions: dict[str, Handler] | None = None
    # Typed forms: form id -> pydantic model, as `forms` in templates (docs/typed-forms.md).
    forms: dict[str, Any] = field(default_factory=dict)
    # (pages only) Live validation: action name -> models and functions (docs/typed-forms.md).
    validators: dict[str, Any] = field(default_factory=dict)
    # Page options it declares (csr, prerender, trailing_slash), see docs/page-options.md.
    options: dict[str, Any] = field(default_factory=dict)
    # (pages only) The parameters `kite build` prerenders a route with.
    entries: Handler | None = None
    # (pages only) `body_size_limit = "10M"`: its actions' limit (docs/form-actions.md).
    body_size_limit: BodySize | None = None
    # (pages only) `post_redirect_get = True/False`: overrides the app's setting (prg.py).
    post_redirect_get: bool | None = None


@dataclass
class EndpointModule:
    path: Path
    handlers: dict[str, Handler] = field(default_factory=dict)
    fallback: Handler | None = None

    def allowed(self) -> list[str]:
        methods = [m for m in HTTP_METHODS if m in self.handlers]
        if "GET" in self.handlers and "HEAD" not in self.handlers:
            methods.insert(methods.index("GET") + 1, "HEAD")
        return methods


@dataclass
class HooksModule:
    path: Path | None = None
    handle: Handler | None = None
    handle_error: Handler | None = None
    configure_templates: Handler | None = None
    form_error_message: Handler | None = None
    health: Handler | None = None
    transport: dict[str, dict[str, Handler]] = field(default_factory=dict)


def load_server_module(path: Path, root: Path, *, is_page: bool) -> ServerModule:
    module = import_path(path, root)
    exports = vars(module)
    kind = "+page.server.py" if is_page else "+layout.server.py"
    load = exports.get("load")
    if load is not None and not callable(load):
        raise KiteError(f"{path}: 'load' must be a function (async def load(event): ...)")
    for method in HTTP_METHODS:
        if callable(exports.get(method)):
            raise KiteError(
                f"{path}: defines {method}(), but HTTP method handlers belong in a +server.py "
                f"file beside it. For forms, use actions = {{...}} in {kind}."
            )
    if "action" in exports and "actions" not in exports:
        raise KiteError(f"{path}: defines 'action' — did you mean 'actions = {{...}}'?")
    forms = _check_forms(path, exports.get("forms", {}))
    options, entries = _check_page_options(path, exports, is_page=is_page)
    body_size_limit = _check_body_size_limit(path, exports, is_page=is_page)
    prg = _check_post_redirect_get(path, exports, is_page=is_page)
    if "actions" not in exports:
        if "validators" in exports:
            raise KiteError(
                f"{path}: 'validators' validate its actions' forms, and it has no "
                "actions = {...}; remove validators or add the actions"
            )
        return ServerModule(
            path,
            load=load,
            forms=forms,
            options=options,
            entries=entries,
            body_size_limit=body_size_limit,
            post_redirect_get=prg,
        )
    if not is_page:
        raise KiteError(
            f"{path}: a layout cannot have actions. Move 'actions' to the +page.server.py "
            "of the page whose forms post to it (a form in a layout can post to that page with "
            'action="/that/page?/name").'
        )
    actions = _check_actions(path, exports["actions"])
    return ServerModule(
        path,
        load=load,
        actions=actions,
        forms=forms,
        validators=_check_validators(path, exports.get("validators", {}), actions),
        options=options,
        entries=entries,
        body_size_limit=body_size_limit,
        post_redirect_get=prg,
    )


def _check_post_redirect_get(path: Path, exports: dict[str, Any], *, is_page: bool) -> bool | None:
    if "post_redirect_get" not in exports:
        return None
    value = exports["post_redirect_get"]
    if not is_page or not isinstance(value, bool):
        raise KiteError(
            f"{path}: post_redirect_get is True or False in a +page.server.py (its actions "
            f"answer a form posted without JavaScript with a redirect), not {value!r}"
            + ("" if is_page else " in a layout")
        )
    return value


def _check_body_size_limit(
    path: Path, exports: dict[str, Any], *, is_page: bool
) -> BodySize | None:
    if "body_size_limit" not in exports:
        return None
    if not is_page:
        raise KiteError(
            f"{path}: body_size_limit applies to a page's form actions; set it in the "
            "+page.server.py of the page, or per action with @limits(body=...) "
            "(see docs/form-actions.md)"
        )
    try:
        return BodySize(parse_size(exports["body_size_limit"]))
    except ValueError as exc:
        raise KiteError(f"{path}: {exc}") from None


def _check_page_options(
    path: Path, exports: dict[str, Any], *, is_page: bool
) -> tuple[dict[str, Any], Handler | None]:
    try:
        options = declared_options(exports)
    except PageOptionError as exc:
        raise KiteError(f"{path}: {exc} (see docs/page-options.md)") from None
    entries = exports.get("entries")
    if entries is not None and not callable(entries):
        raise KiteError(
            f"{path}: 'entries' must be a function returning the parameters to prerender, "
            'e.g. def entries(): return [{"slug": "hello"}]'
        )
    if entries is not None and not is_page:
        raise KiteError(
            f"{path}: 'entries' belongs in the +page.server.py of the route with parameters, "
            "not in a layout"
        )
    return options, entries


def _check_forms(path: Path, forms: Any) -> dict[str, Any]:
    from pydantic import BaseModel

    if not isinstance(forms, dict) or not all(
        isinstance(name, str) and isinstance(model, type) and issubclass(model, BaseModel)
        for name, model in forms.items()
    ):
        raise KiteError(
            f"{path}: 'forms' must be a dict from form id to pydantic model class, "
            'e.g. forms = {"register": RegisterForm} — templates then use forms.register'
        )
    for name in forms:
        if not name.isidentifier():
            raise KiteError(
                f"{path}: the form id {name!r} must be a Python identifier "
                "(letters, digits, _), so that templates can write forms.<id>"
            )
    return dict(forms)


def _check_validators(path: Path, validators: Any, actions: dict[str, Handler]) -> dict[str, Any]:
    example = 'e.g. validators = {"register": [Registration, email_is_free]}'
    if not isinstance(validators, dict):
        raise KiteError(
            f"{path}: 'validators' must be a dict from action name to a pydantic "
            f"model or a function of the event, {example}"
        )
    checked: dict[str, Any] = {}
    for name, given in validators.items():
        if name not in actions:
            known = ", ".join(repr(n) for n in actions)
            raise KiteError(
                f"{path}: validators names {name!r}, which is not one of its actions "
                f"({known}); validators are keyed by action name, {example}"
            )
        listed = list(given) if isinstance(given, list | tuple) else [given]
        for validator in listed:
            if not callable(validator):
                raise KiteError(
                    f"{path}: the validator of action {name!r} is {validator!r}, not a "
                    f"model class or a function (or a list of them), {example}"
                )
        checked[name] = listed
    return checked


def _check_actions(path: Path, actions: Any) -> dict[str, Handler]:
    if not isinstance(actions, dict):
        raise KiteError(
            f"{path}: 'actions' must be a dict from action name to function, "
            'e.g. actions = {"default": save} or {"login": login, "register": register}'
        )
    for name, action in actions.items():
        if not isinstance(name, str):
            raise KiteError(f"{path}: action names must be strings, got {name!r}")
        if not callable(action):
            raise KiteError(f"{path}: action '{name}' is {action!r}, not a function")
    if "default" in actions and len(actions) > 1:
        others = ", ".join(repr(n) for n in actions if n != "default")
        raise KiteError(
            f"{path}: When using named actions, the default action cannot be used — "
            f"'default' is mixed with {others}. Rename 'default' (and post to ?/<name>), "
            "or keep only 'default'."
        )
    return dict(actions)


def load_endpoint(path: Path, root: Path) -> EndpointModule:
    exports = vars(import_path(path, root))
    endpoint = EndpointModule(path)
    for method in HTTP_METHODS:
        handler = exports.get(method)
        if handler is not None:
            if not callable(handler):
                raise KiteError(f"{path}: '{method}' must be a function taking the event")
            endpoint.handlers[method] = handler
    fallback = exports.get("fallback")
    if fallback is not None:
        endpoint.fallback = fallback
    if not endpoint.handlers and endpoint.fallback is None:
        lower = [m for m in HTTP_METHODS if inspect.isfunction(exports.get(m.lower()))]
        hint = f" (found {', '.join(m.lower() for m in lower)}: write them in capitals)"
        raise KiteError(
            f"{path}: a +server.py needs at least one handler named after an HTTP method "
            f"(GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD) or 'fallback'"
            + (hint if lower else "")
        )
    return endpoint


def load_hooks(path: Path, root: Path) -> HooksModule:
    if not path.is_file():
        return HooksModule()
    exports = vars(import_path(path, root))
    hooks = HooksModule(path)
    names = ("handle", "handle_error", "configure_templates", "form_error_message", "health")
    for name in names:
        value = exports.get(name)
        if value is not None and not callable(value):
            raise KiteError(f"{path}: '{name}' must be a function")
        setattr(hooks, name, value)
    transport = exports.get("transport", {})
    if not isinstance(transport, dict) or not all(
        isinstance(entry, dict) and callable(entry.get("encode")) and callable(entry.get("decode"))
        for entry in transport.values()
    ):
        raise KiteError(
            f"{path}: 'transport' must map a type name to "
            '{"encode": function, "decode": function}'
        )
    hooks.transport = transport
    return hooks
