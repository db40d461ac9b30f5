def load(event):
    # Headers the app sets itself win over the default security headers.
    event.set_headers({"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"})
    return {}
