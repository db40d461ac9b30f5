from lib.where import current_path


def load(event):
    # a plain def runs in a worker thread: the request event must still be reachable
    return {"sync_path": current_path(), "client": event.client_address}
