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

import argparse
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import install, report
from harness.contenders import Running, all_contenders, cpu_seconds, serving
from harness.paths import RESULTS
from harness.scenarios import ENDPOINT, SCENARIOS, Scenario
from harness.wrk import timed_round

BEGIN, END = "<!-- plain-cost: begin (bench/plain_cost.py) -->", "<!-- plain-cost: end -->"
PAIR = ("kite-plain", "kite-plain-async")


@dataclass
class Samples:
    cpu_us: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)


def _cpu(running: Running) -> tuple[float]:
    return (cpu_seconds(running),)


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def table(scenarios: list[Scenario], samples: dict[tuple[str, str], Samples]) -> list[str]:
    lines = [
        "| scenario | plain def, µs (range) | same code async, µs (range) | plain ÷ async, "
        "by CPU: medians (per round) | by req/s: medians |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for scenario in scenarios:
        plain, twin = samples[(PAIR[0], scenario.name)], samples[(PAIR[1], scenario.name)]
        cpu = [a / b for a, b in zip(plain.cpu_us, twin.cpu_us, strict=True)]
        cells = [
            f"{statistics.median(s.cpu_us):.0f} ({min(s.cpu_us):.0f}–{max(s.cpu_us):.0f})"
            for s in (plain, twin)
        ]
        by_cpu = statistics.median(plain.cpu_us) / statistics.median(twin.cpu_us)
        by_rps = statistics.median(twin.rps) / statistics.median(plain.rps)
        cells += [f"{by_cpu:.2f} ({_spread(cpu)})", f"{by_rps:.2f}"]
        lines.append(f"| {scenario.title} | " + " | ".join(cells) + " |")
    return lines


def _commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return run.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/plain_cost.py", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each app once (5)")
    parser.add_argument("--duration", type=int, default=6, help="seconds timed per scenario (6)")
    parser.add_argument("--scenarios", default="", help="comma-separated; all by default")
    parser.add_argument("--output", default=str(RESULTS), help="bench/RESULTS.md")
    arguments = parser.parse_args(argv)
    # The six of bench/run, and a plain endpoint handler (the peers have none to compare).
    scenarios = [*SCENARIOS, ENDPOINT]
    if arguments.scenarios:
        wanted = {name.strip() for name in arguments.scenarios.split(",")}
        scenarios = [s for s in scenarios if s.name in wanted]
    contenders = {c.name: c for c in all_contenders() if c.name in PAIR}
    wrk = install.ensure_wrk()
    samples = {(name, s.name): Samples() for name in PAIR for s in scenarios}
    for number in range(arguments.rounds):
        order = PAIR if number % 2 == 0 else PAIR[::-1]
        for name in order:
            with serving(contenders[name]) as running:
                for scenario in scenarios:
                    result, (cpu,) = timed_round(wrk, running, scenario, arguments.duration, _cpu)
                    cpu_us, rps = cpu / result.requests * 1e6, result.rps
                    samples[(name, scenario.name)].cpu_us.append(cpu_us)
                    samples[(name, scenario.name)].rps.append(rps)
                    print(f"round {number + 1} {name:<17} {scenario.name:<24} {cpu_us:6.0f} µs")
    rounds = arguments.rounds
    text = report.own_section(
        BEGIN,
        END,
        "What plain functions cost, in alternating rounds (bench/plain_cost.py)",
        f"kite-plain against its async twin under wrk -t1 -c32, {rounds} rounds alternating "
        f"between the two (2 s warm-up + {arguments.duration} s timed per scenario); server "
        f"CPU per request, median round and range. Run at commit `{_commit()}`, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC.",
        table(scenarios, samples),
    )
    print(text)
    report.write_section(text, Path(arguments.output), BEGIN, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
