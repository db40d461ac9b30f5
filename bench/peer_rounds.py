"""Issue 24's ratios in alternating rounds: the plain-written app (bench/apps/kite-plain) and
the fast one (bench/apps/kite) against SvelteKit and the hand-written FastAPI app, by
server CPU per request, each contender started in turn in every round (the order reversed
every other round; bench/harness/rounds.py).

    .venv/bin/python bench/peer_rounds.py [--rounds 3] [--duration 6] [--scenarios todos-page]

bench/run times each contender once, one after the other, and on this shared 2-core machine
a contender's figures move by 15 % or more from one run to the next, so that one run's
ratio says less than it seems to. Here each ratio is of the median rounds, with the range
of the per-round ratios beside it. Above 1: the Kite app does the same work with less CPU.
The section is written into bench/RESULTS.md between two markers, in the part that
bench/run keeps; `--output` writes it elsewhere. bench/run installs the peers first.
"""

from __future__ import annotations

from pathlib import Path

from harness import install, report, rounds
from harness.contenders import all_contenders
from harness.rounds import Samples, ratio_cell
from harness.scenarios import SCENARIOS, Scenario

BEGIN, END = "<!-- peer-rounds: begin (bench/peer_rounds.py) -->", "<!-- peer-rounds: end -->"
CONTENDERS = ("kite-plain", "kite", "sveltekit", "fastapi")
# (peer, Kite app) pairs: each column is the peer's µs ÷ the Kite app's.
RATIOS = (
    ("sveltekit", "kite-plain"),
    ("fastapi", "kite-plain"),
    ("sveltekit", "kite"),
    ("fastapi", "kite"),
)
TITLES = {
    "kite-plain": "Kite, plain def",
    "kite": "Kite",
    "sveltekit": "SvelteKit",
    "fastapi": "FastAPI",
}


def table(scenarios: list[Scenario], samples: dict[tuple[str, str], Samples]) -> list[str]:
    heads = [f"{TITLES[name]}, µs" for name in CONTENDERS]
    heads += [f"{TITLES[app]} ÷ {TITLES[peer]}" for peer, app in RATIOS]
    lines = ["| scenario | " + " | ".join(heads) + " |", "| --- |" + " ---: |" * len(heads)]
    for scenario in scenarios:
        cells = [samples[(name, scenario.name)].cell() for name in CONTENDERS]
        cells += [
            ratio_cell(samples[(peer, scenario.name)], samples[(app, scenario.name)])
            for peer, app in RATIOS
        ]
        lines.append(f"| {scenario.title} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    arguments, scenarios = rounds.arguments(argv, "bench/peer_rounds.py", __doc__, 3, SCENARIOS)
    found = {c.name: c for c in all_contenders()}
    contenders = [found[name] for name in CONTENDERS]
    wrk = install.ensure_wrk()
    samples = rounds.run_rounds(contenders, scenarios, arguments.rounds, arguments.duration, wrk)
    text = report.own_section(
        BEGIN,
        END,
        "Issue 24's ratios in alternating rounds (bench/peer_rounds.py)",
        f"Server CPU per request under wrk -t1 -c32, {arguments.rounds} rounds, each contender "
        f"once per round (2 s warm-up + {arguments.duration} s timed per scenario): median "
        f"round and range; each ratio is the peer's median ÷ the Kite app's, with the range of "
        f"the per-round ratios. {rounds.stamp()}",
        table(scenarios, samples),
    )
    print(text)
    report.write_section(text, Path(arguments.output), BEGIN, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
