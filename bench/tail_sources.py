"""Where the tail comes from: p99 ÷ p50 under wrk for Kite as `kite start` runs it, beside the
same server with the garbage collector off, the same server and wrk each on a core of their
own, the plain-written app, two workers, and raw ASGI on uvicorn (no framework: the floor
of this machine and this load), in rounds that alternate between them. Beside each: how
long the server's threads waited for a core while they had work (run-queue delay, from
/proc/<pid>/task/*/schedstat) and how often the kernel took a core from them (involuntary
context switches).

    .venv/bin/python bench/tail_sources.py [--rounds 3] [--duration 6] [--scenarios todos-page]
        [--servers kite,kite-gc-off,kite-pinned,kite-plain,kite-2w,raw-asgi]

If the tail were the collector, it would shrink with the collector off; if it were other
programs taking the cores, it would shrink with a core each (and grow with two workers,
which with wrk are three busy processes on two cores); if it is neither, and raw ASGI
has it too, it is what one event loop answering 32 connections in turns looks like. The
section is written into bench/RESULTS.md between two markers; `--output` writes it
elsewhere.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness import install, report
from harness.contenders import Contender, Running, all_contenders, serving
from harness.paths import RESULTS
from harness.scenarios import SCENARIOS, Scenario
from harness.wrk import timed_round

BEGIN, END = "<!-- tail-sources: begin (bench/tail_sources.py) -->", "<!-- tail-sources: end -->"
DEFAULT_SCENARIOS = "login-page,login-fail-enhanced,todos-page"
# `kite start` with automatic collection off: thresholds of 0 stay 0 through the
# gc.disable()/gc.enable() around create_app.
GC_OFF = "import gc, sys; gc.set_threshold(0); from kite.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Variant:
    name: str
    contender: Contender
    wrk_prefix: tuple[str, ...] = ()


@dataclass
class Samples:
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    wait_ms_per_s: list[float] = field(default_factory=list)
    switches_per_1000: list[float] = field(default_factory=list)


def variants() -> list[Variant]:
    contenders = {c.name: c for c in all_contenders()}
    kite, raw = contenders["kite"], contenders["raw-asgi"]

    def gc_off(port: int) -> list[str]:
        command = kite.command(port)
        at = command.index("-m")
        return [*command[:at], "-c", GC_OFF, *command[at + 2 :]]

    def pinned(command: Callable[[int], list[str]]) -> Callable[[int], list[str]]:
        return lambda port: ["taskset", "-c", "0", *command(port)]

    found = [
        Variant("Kite", kite),
        Variant("Kite, collector off", replace(kite, name="kite-gc-off", command=gc_off)),
        Variant("Kite, plain def", contenders["kite-plain"]),
        Variant("Kite ×2 workers", contenders["kite-2w"]),
        Variant("raw ASGI", raw),
    ]
    if (os.cpu_count() or 1) >= 2:
        found.insert(
            2,
            Variant(
                "Kite, server and wrk on a core each",
                replace(kite, name="kite-pinned", command=pinned(kite.command)),
                ("taskset", "-c", "1"),
            ),
        )
    return found


def _tasks(running: Running) -> list[str]:
    """/proc/<pid>/task/<tid> of every thread of the server's process group."""
    group, tasks = running.process.pid, []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[2]) != group:
                    continue
            tasks += [f"/proc/{entry}/task/{tid}" for tid in os.listdir(f"/proc/{entry}/task")]
        except OSError:
            continue  # gone meanwhile
    return tasks


def _scheduling(running: Running) -> tuple[float, float]:
    """Seconds the server's threads have waited on a run queue; involuntary switches."""
    waited, switches = 0.0, 0.0
    for task in _tasks(running):
        try:
            with open(f"{task}/schedstat") as schedstat:
                waited += int(schedstat.read().split()[1]) / 1e9
            with open(f"{task}/status") as status:
                for line in status:
                    if line.startswith("nonvoluntary_ctxt_switches:"):
                        switches += int(line.split()[1])
        except OSError:
            continue
    return waited, switches


def _record(
    variant: Variant, running: Running, scenario: Scenario, seconds: int, wrk: str, samples: Samples
) -> None:
    result, (waited, switches) = timed_round(
        wrk, running, scenario, seconds, _scheduling, prefix=variant.wrk_prefix
    )
    samples.p50.append(result.p50_ms)
    samples.p99.append(result.p99_ms)
    samples.wait_ms_per_s.append(waited * 1000 / result.seconds)
    samples.switches_per_1000.append(switches * 1000 / result.requests)


def table(
    scenarios: list[Scenario], found: list[Variant], samples: dict[tuple[str, str], Samples]
) -> list[str]:
    lines = [
        "| scenario | server | p50 / p99 ms | p99 ÷ p50 (per round) | run-queue wait, ms per s "
        "| involuntary switches per 1,000 requests |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for scenario in scenarios:
        for variant in found:
            s = samples[(variant.name, scenario.name)]
            ratios = [b / a for a, b in zip(s.p50, s.p99, strict=True)]
            p50, p99 = statistics.median(s.p50), statistics.median(s.p99)
            cells = [
                f"{p50:.1f} / {p99:.1f}",
                f"{p99 / p50:.2f} ({min(ratios):.2f}–{max(ratios):.2f})",
                f"{statistics.median(s.wait_ms_per_s):.0f}",
                f"{statistics.median(s.switches_per_1000):.0f}",
            ]
            lines.append(f"| {scenario.title} | {variant.name} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/tail_sources.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each server once (3)")
    parser.add_argument("--duration", type=int, default=6, help="seconds timed per scenario (6)")
    parser.add_argument("--scenarios", default=DEFAULT_SCENARIOS, help=DEFAULT_SCENARIOS)
    parser.add_argument(
        "--servers", default="", help="contender names, comma-separated: kite,kite-2w,… (all)"
    )
    parser.add_argument("--output", default=str(RESULTS), help="bench/RESULTS.md")
    arguments = parser.parse_args(argv)
    wanted = {name.strip() for name in arguments.scenarios.split(",")}
    scenarios = [s for s in SCENARIOS if s.name in wanted]
    servers = {name.strip() for name in arguments.servers.split(",") if name.strip()}
    found = [v for v in variants() if not servers or v.contender.name in servers]
    wrk = install.ensure_wrk()
    samples = {(v.name, s.name): Samples() for v in found for s in scenarios}
    for number in range(arguments.rounds):
        for variant in found if number % 2 == 0 else found[::-1]:
            with serving(variant.contender) as running:
                for scenario in scenarios:
                    entry = samples[(variant.name, scenario.name)]
                    _record(variant, running, scenario, arguments.duration, wrk, entry)
                    print(
                        f"round {number + 1} {variant.name:<36} {scenario.name:<22} "
                        f"p50 {entry.p50[-1]:5.1f} p99 {entry.p99[-1]:5.1f} ms",
                        flush=True,
                    )
    text = report.own_section(
        BEGIN,
        END,
        "Where the tail comes from (bench/tail_sources.py)",
        f"wrk -t1 -c32, {arguments.rounds} rounds alternating between the servers (2 s "
        f"warm-up + {arguments.duration} s timed per scenario); medians of the rounds. "
        f"Run at {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC.",
        table(scenarios, found, samples),
    )
    print(text)
    report.write_section(text, Path(arguments.output), BEGIN, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
