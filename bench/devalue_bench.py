"""Compare kite.devalue with the standard json module on typical action payloads.

Run: ``.venv/bin/python bench/devalue_bench.py`` (add ``--quick`` for a shorter run, and
``--cpu`` to count this thread's CPU time instead of wall time: on a busy machine, time
spent waiting for a core then counts on neither side). Prints the time per call of each
side and the devalue/json ratio; the goal is a ratio within 3 for JSON-typed data.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

from kite import devalue


def form_result() -> dict[str, Any]:
    """What an action typically returns: a dict of ten fields."""
    return {
        "id": 12345,
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "active": True,
        "score": 98.5,
        "tags": ["admin", "staff"],
        "age": 36,
        "city": "London",
        "note": None,
        "verified": False,
    }


def rows() -> list[dict[str, Any]]:
    """A list of 1,000 small dicts, as a table-like page returns."""
    return [
        {
            "id": i,
            "title": f"Item {i}",
            "done": i % 3 == 0,
            "price": i * 1.25,
            "owner": f"user{i % 7}",
        }
        for i in range(1000)
    ]


Clock = Callable[[], float]


def paired_times(
    ours: Callable[[], object], theirs: Callable[[], object], budget: float, clock: Clock
) -> tuple[float, float]:
    """Seconds per call of each, best of interleaved repeats: on a busy machine, noise
    then hits both sides alike."""
    timers = timeit.Timer(ours, timer=clock), timeit.Timer(theirs, timer=clock)
    numbers = [max(1, timer.autorange()[0] // 5) for timer in timers]
    best = [float("inf"), float("inf")]
    rounds = max(5, int(budget / 0.02))
    for _ in range(rounds):
        for i, timer in enumerate(timers):
            best[i] = min(best[i], timer.timeit(numbers[i]) / numbers[i])
    return best[0], best[1]


def compare(
    name: str, payload: object, budget: float, clock: Clock
) -> list[tuple[str, float, float]]:
    json_text = json.dumps(payload)
    devalue_text = devalue.stringify(payload)
    assert json.loads(json_text) == devalue.parse(devalue_text)
    return [
        (
            f"{name}: stringify vs json.dumps",
            *paired_times(
                lambda: devalue.stringify(payload), lambda: json.dumps(payload), budget, clock
            ),
        ),
        (
            f"{name}: parse vs json.loads",
            *paired_times(
                lambda: devalue.parse(devalue_text), lambda: json.loads(json_text), budget, clock
            ),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter measurements")
    parser.add_argument("--cpu", action="store_true", help="count CPU time, not wall time")
    args = parser.parse_args(argv)
    budget = 0.2 if args.quick else 1.0
    clock: Clock = time.thread_time if args.cpu else time.perf_counter
    results = compare("dict of 10 fields", form_result(), budget, clock)
    results += compare("1,000 small dicts", rows(), budget, clock)
    width = max(len(label) for label, _, _ in results)
    print(f"{'':{width}}  {'devalue':>10}  {'json':>10}  ratio")
    for label, ours, theirs in results:
        print(f"{label:{width}}  {ours * 1e6:8.1f}µs  {theirs * 1e6:8.1f}µs  {ours / theirs:5.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
