class Foo:
    def __init__(self, message):
        self.message = message

    def bar(self):
        return self.message + "!"
