"""A custom type that actions return; hooks.server.py's `transport` carries it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: int
    y: int
