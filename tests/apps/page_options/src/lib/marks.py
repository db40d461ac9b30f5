"""Lets tests see whether a load ran: each run adds a line to $LOAD_LOG, if set."""

import os


def count_load(name: str) -> None:
    log = os.environ.get("LOAD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as file:
            file.write(name + "\n")
