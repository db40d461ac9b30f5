def login(event):
    return {"done": "login"}


def register(event):
    return {"done": "register"}


actions = {"login": login, "register": register}
