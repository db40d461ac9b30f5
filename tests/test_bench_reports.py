"""The benchmark's report helpers: a section of its own (bench/latency.py's,
bench/plain_cost.py's) lands in bench/RESULTS.md where it should and replaces its last
version, and the tables of plain_cost and peer_rounds divide the right medians."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import peer_rounds  # noqa: E402
import plain_cost  # noqa: E402
import tail_sources  # noqa: E402
from harness.report import KEEP_MARKER, write_section  # noqa: E402
from harness.scenarios import SCENARIOS  # noqa: E402

BEGIN, END = "<!-- x: begin -->", "<!-- x: end -->"
SECTION = f"{BEGIN}\nnew\n{END}\n"


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (None, SECTION),
        ("tables\n", f"tables\n\n{SECTION}"),
        (
            f"tables\n{KEEP_MARKER}\nby hand\n",
            f"tables\n{KEEP_MARKER}\n\n{SECTION}\nby hand\n",
        ),
        (
            f"tables\n{KEEP_MARKER}\n\n{BEGIN}\nold\n{END}\nby hand\n",
            f"tables\n{KEEP_MARKER}\n\n{SECTION}by hand\n",
        ),
    ],
)
def test_a_section_is_added_once_and_then_replaced(
    tmp_path: Path, current: str | None, expected: str
) -> None:
    output = tmp_path / "RESULTS.md"
    if current is not None:
        output.write_text(current, encoding="utf-8")
    write_section(SECTION, output, BEGIN, END)
    assert output.read_text(encoding="utf-8") == expected
    write_section(SECTION, output, BEGIN, END)  # again: still one section
    assert output.read_text(encoding="utf-8") == expected


def test_plain_cost_divides_the_median_rounds() -> None:
    scenario = SCENARIOS[0]
    samples = {
        ("kite-plain", scenario.name): plain_cost.Samples([120, 100, 300], [900, 1000, 500]),
        ("kite-plain-async", scenario.name): plain_cost.Samples([100, 80, 90], [1100, 1200, 1000]),
    }
    row = plain_cost.table([scenario], samples)[2]
    # Medians 120 and 90 µs: 1.33; per round 1.20, 1.25, 3.33; req/s medians 1100 ÷ 900.
    assert row == f"| {scenario.title} | 120 (100–300) | 90 (80–100) | 1.33 (1.20–3.33) | 1.22 |"


def test_peer_rounds_divides_each_peers_median_by_the_kite_apps() -> None:
    scenario = SCENARIOS[0]
    rounds = {
        "kite-plain": [100, 150, 110],
        "kite": [80, 90, 85],
        "sveltekit": [300, 330, 200],
        "fastapi": [400, 420, 410],
    }
    samples = {
        (name, scenario.name): peer_rounds.Samples(cpu, [1.0] * 3) for name, cpu in rounds.items()
    }
    row = peer_rounds.table([scenario], samples)[2]
    # SvelteKit's median 300 ÷ plain's 110: 2.73; per round 3.00, 2.20, 1.82.
    assert row == (
        f"| {scenario.title} | 110 (100–150) | 85 (80–90) | 300 (200–330) | 410 (400–420) "
        "| 2.73 (1.82–3.00) | 3.73 (2.80–4.00) | 3.53 (2.35–3.75) | 4.82 (4.67–5.00) |"
    )


def test_tail_sources_reports_medians_and_the_spread_of_the_ratio() -> None:
    scenario = SCENARIOS[0]
    variant = tail_sources.Variant("Kite", tail_sources.all_contenders()[0])
    samples = {
        ("Kite", scenario.name): tail_sources.Samples(
            p50=[2.0, 4.0, 3.0],
            p99=[5.0, 8.0, 9.0],
            wait_ms_per_s=[10, 30, 20],
            switches_per_1000=[1, 2, 3],
        )
    }
    row = tail_sources.table([scenario], [variant], samples)[2]
    # Medians 3.0 and 8.0 ms: 2.67; per round 2.50, 2.00, 3.00.
    assert row == f"| {scenario.title} | Kite | 3.0 / 8.0 | 2.67 (2.00–3.00) | 20 | 2 |"
