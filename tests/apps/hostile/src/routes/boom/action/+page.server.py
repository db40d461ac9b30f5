LEAK = "hostile-fixture-secret-key-0123456789 in " + __file__


def explode(event):
    raise KeyError(LEAK)


actions = {"explode": explode}
