LEAK = "hostile-fixture-secret-key-0123456789 in " + __file__


def GET(event):
    raise ValueError(LEAK)
