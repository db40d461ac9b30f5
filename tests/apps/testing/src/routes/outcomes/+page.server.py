"""One action per kind of ActionResult."""

from datetime import UTC, datetime

from kite import error, fail, redirect
from testing_point import Point


def success(event):
    return {
        "when": datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
        "tags": {"a"},
        "point": Point(1, 2),
        "big": 2**60,
    }


def nothing(event):
    return None


def failure(event):
    return fail(422, {"field": "title", "reason": "too long"})


def bare_failure(event):
    return fail(400)


def leave(event):
    redirect(303, "/landing")


def teapot(event):
    error(418, "I'm a teapot")


def crash(event):
    raise RuntimeError("the action broke")


actions = {
    "success": success,
    "nothing": nothing,
    "failure": failure,
    "bare_failure": bare_failure,
    "leave": leave,
    "teapot": teapot,
    "crash": crash,
}
