from kite import get_request_event


def current_path():
    return get_request_event().url.path
