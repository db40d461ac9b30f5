from types import ModuleType

import kite


def test_all_is_sorted_and_complete() -> None:
    assert kite.__all__ == sorted(kite.__all__)
    public = {
        name
        for name, value in vars(kite).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public == set(kite.__all__)


def test_exported_members_are_pinned() -> None:
    assert kite.__all__ == [
        "ActionFailure",
        "Cookies",
        "HttpError",
        "InvalidForm",
        "KiteError",
        "Redirect",
        "RequestError",
        "RequestEvent",
        "Sensitive",
        "Textarea",
        "UploadedFile",
        "create_app",
        "error",
        "fail",
        "fail_form",
        "get_request_event",
        "invalid",
        "is_action_failure",
        "is_http_error",
        "is_redirect",
        "json",
        "limits",
        "redirect",
        "sequence",
        "text",
    ]
