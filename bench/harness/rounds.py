"""Alternating rounds: each contender started in turn, every scenario timed on each, the
order reversed every other round, so that a noisy minute of this shared machine shows as
one round's spread rather than as one contender's result (bench/plain_cost.py,
bench/peer_rounds.py). Server CPU per request is read from /proc for the server's whole
process group, as bench/run reads it."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.contenders import Contender, Running, cpu_seconds, serving
from harness.paths import RESULTS
from harness.scenarios import Scenario
from harness.wrk import timed_round


@dataclass
class Samples:
    cpu_us: list[float] = field(default_factory=list)
    rps: list[float] = field(default_factory=list)

    def cell(self) -> str:
        """The median round's CPU µs per request, and the range of the rounds."""
        return (
            f"{statistics.median(self.cpu_us):.0f} ({min(self.cpu_us):.0f}–{max(self.cpu_us):.0f})"
        )


def ratio_cell(numerator: Samples, denominator: Samples) -> str:
    """numerator ÷ denominator by CPU µs: the ratio of the medians, and of each round."""
    rounds = [a / b for a, b in zip(numerator.cpu_us, denominator.cpu_us, strict=True)]
    medians = statistics.median(numerator.cpu_us) / statistics.median(denominator.cpu_us)
    return f"{medians:.2f} ({min(rounds):.2f}–{max(rounds):.2f})"


def run_rounds(
    contenders: Sequence[Contender],
    scenarios: Sequence[Scenario],
    rounds: int,
    duration: int,
    wrk: str,
) -> dict[tuple[str, str], Samples]:
    """Samples per (contender name, scenario name), one per round."""
    samples = {(c.name, s.name): Samples() for c in contenders for s in scenarios}
    for number in range(rounds):
        for contender in contenders if number % 2 == 0 else contenders[::-1]:
            with serving(contender) as running:
                for scenario in scenarios:
                    result, (cpu,) = timed_round(wrk, running, scenario, duration, _cpu)
                    entry = samples[(contender.name, scenario.name)]
                    entry.cpu_us.append(cpu / result.requests * 1e6)
                    entry.rps.append(result.rps)
                    print(
                        f"round {number + 1} {contender.name:<17} {scenario.name:<24} "
                        f"{entry.cpu_us[-1]:6.0f} µs",
                        flush=True,
                    )
    return samples


def arguments(
    argv: list[str] | None, prog: str, doc: str, rounds: int, scenarios: Sequence[Scenario]
) -> tuple[argparse.Namespace, list[Scenario]]:
    """The options every alternating-rounds script takes, and the scenarios asked for (of
    `scenarios`; all of them by default)."""
    parser = argparse.ArgumentParser(prog=prog, description=" ".join(doc.split("\n\n")[0].split()))
    parser.add_argument("--rounds", type=int, default=rounds, help=f"rounds ({rounds})")
    parser.add_argument("--duration", type=int, default=6, help="seconds timed per scenario (6)")
    parser.add_argument("--scenarios", default="", help="comma-separated; all by default")
    parser.add_argument("--output", default=str(RESULTS), help="bench/RESULTS.md")
    parsed = parser.parse_args(argv)
    wanted = {name.strip() for name in parsed.scenarios.split(",") if name.strip()}
    return parsed, [s for s in scenarios if not wanted or s.name in wanted]


def stamp() -> str:
    """Which code was measured, and when: for a section's text."""
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    return f"Run at commit `{run.stdout.strip() or '?'}`, {when} UTC."


def _cpu(running: Running) -> tuple[float]:
    return (cpu_seconds(running),)
