from kite import redirect

# Messages that must never reach a client in production: the secret key and a file path.
LEAK = "hostile-fixture-secret-key-0123456789 in " + __file__


async def handle(event, resolve):
    path = event.url.path
    if path == "/boom/hook":
        raise RuntimeError(LEAK)
    if path == "/go" and "redirectTo" in event.url.query_params:
        # Straight from user input: redirect() itself refuses other origins.
        redirect(303, event.url.query_params["redirectTo"])
    if path == "/go/safe" and "redirectTo" in event.url.query_params:
        target = event.url.query_params["redirectTo"]
        try:
            redirect(303, target)
        except ValueError:
            redirect(303, "/")
    if path == "/go/partner":
        # Only the listed origin may be reached from here.
        target = event.url.query_params.get("redirectTo", "https://partner.example/pay")
        redirect(303, target, external=["https://partner.example"])
    response = await resolve(event)
    if path == "/framed":
        # A hook may change or drop the security headers of a response.
        response.headers["x-frame-options"] = "DENY"
        del response.headers["referrer-policy"]
    return response
