from lib.foo import Foo


def default(event):
    return {"foo": Foo("It works")}


actions = {"default": default}
