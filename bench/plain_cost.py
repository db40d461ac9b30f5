"""What plain functions cost the server, under wrk: bench/apps/kite-plain (`def` loads,
actions, `handle` and an endpoint's `GET`) against its async twin, the very same code with
each of those made `async def` (bench/harness/twin.py), in rounds that alternate between
the two: bench/run's six scenarios and `GET /api/todos`, which only these two apps have.

    .venv/bin/python bench/plain_cost.py [--rounds 5] [--duration 6] [--scenarios todos-page]

bench/run times each contender once, one after the other, and a plain function's hand-off to
a worker thread is the part of a request that a busy neighbour disturbs most (its two wake-ups
cross the cores that wrk also uses): on this 2-core machine, bench/run put `plain ÷ twin`
on `GET /todos` at 1.37, and single wrk runs an hour later at 0.98–1.13. Here each round
starts both servers in turn (plain first in odd rounds, the twin first in even ones) and
times every scenario on each, and the table gives, per scenario, the median round of each
app, the ratio of those medians and the range of the per-round ratios, so that one noisy
round shows as spread rather than as the result. Server CPU is read from /proc for the
server's whole process group (its worker threads included), as bench/run reads it.

The section is written into bench/RESULTS.md between two markers, in the part that bench/run
keeps; `--output` writes it elsewhere.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from harness import install, report, rounds
from harness.contenders import all_contenders
from harness.rounds import Samples, ratio_cell
from harness.scenarios import ENDPOINT, SCENARIOS, Scenario

BEGIN, END = "<!-- plain-cost: begin (bench/plain_cost.py) -->", "<!-- plain-cost: end -->"
PAIR = ("kite-plain", "kite-plain-async")


def table(scenarios: list[Scenario], samples: dict[tuple[str, str], Samples]) -> list[str]:
    lines = [
        "| scenario | plain def, µs (range) | same code async, µs (range) | plain ÷ async, "
        "by CPU: medians (per round) | by req/s: medians |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for scenario in scenarios:
        plain, twin = samples[(PAIR[0], scenario.name)], samples[(PAIR[1], scenario.name)]
        by_rps = statistics.median(twin.rps) / statistics.median(plain.rps)
        cells = [plain.cell(), twin.cell(), ratio_cell(plain, twin), f"{by_rps:.2f}"]
        lines.append(f"| {scenario.title} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    # The six of bench/run, and a plain endpoint handler (the peers have none to compare).
    arguments, scenarios = rounds.arguments(
        argv, "bench/plain_cost.py", __doc__, 5, [*SCENARIOS, ENDPOINT]
    )
    found = {c.name: c for c in all_contenders()}
    contenders = [found[name] for name in PAIR]
    wrk = install.ensure_wrk()
    samples = rounds.run_rounds(contenders, scenarios, arguments.rounds, arguments.duration, wrk)
    text = report.own_section(
        BEGIN,
        END,
        "What plain functions cost, in alternating rounds (bench/plain_cost.py)",
        f"kite-plain against its async twin under wrk -t1 -c32, {arguments.rounds} rounds "
        f"alternating between the two (2 s warm-up + {arguments.duration} s timed per "
        f"scenario); server CPU per request, median round and range. {rounds.stamp()}",
        table(scenarios, samples),
    )
    print(text)
    report.write_section(text, Path(arguments.output), BEGIN, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
