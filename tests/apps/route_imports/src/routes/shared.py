"""Beside the root route: imported by routes in every kind of folder below."""


class Counter:
    def __init__(self) -> None:
        self.value = 0


# One per process: every route that imports this module sees the same counter.
counter = Counter()
