"""The results as text tables (terminal) and markdown (bench/RESULTS.md), with what they were
measured on: the machine, the versions, the command and the date."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from harness import install
from harness.paths import ROOT
from harness.scenarios import Scenario
from harness.sizes import Asset
from harness.wrk import WrkResult

PYTHON_PACKAGES = (
    "kite",
    "starlette",
    "fastapi",
    "uvicorn",
    "uvloop",
    "httptools",
    "jinja2",
    "python-multipart",
)


CPU_TITLE = "Server CPU time per request (µs; lower is better)"
CPU_RATIO_TITLE = (
    "Kite's ratio to each peer by CPU time per request (peer µs ÷ Kite µs; above 1: Kite "
    "does the same work with less CPU)"
)


@dataclass
class Outcome:
    """One scenario on one contender: timed, or why not."""

    result: WrkResult | None = None
    failed: str | None = None
    # The server's CPU time (all its processes) per timed request, in microseconds.
    cpu_us: float | None = None

    def cell(self) -> str:
        if self.result is None:
            return "FAILED" if self.failed else "–"
        flag = " ⚠" if self.result.unexpected or self.result.socket_errors else ""
        return f"{self.result.rps:,.0f}{flag}"

    def cpu(self) -> str:
        if self.cpu_us is None:
            return "FAILED" if self.failed else "–"
        return f"{self.cpu_us:,.0f}"

    def latency(self) -> str:
        if self.result is None:
            return "FAILED" if self.failed else "–"
        return f"{self.result.p50_ms:.1f} / {self.result.p99_ms:.1f}"


@dataclass
class Run:
    command: str
    started: datetime
    scenarios: list[Scenario]
    titles: dict[str, str]  # contender name → title, in run order
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # contenders that did not start
    kite_runtime: list[Asset] = field(default_factory=list)
    kite_page: list[Asset] = field(default_factory=list)  # what /login loads up front
    sveltekit_client: list[Asset] = field(default_factory=list)
    node: str | None = None
    wrk_version: str = ""
    settings: str = ""
    machine: list[tuple[str, str]] = field(default_factory=list)  # taken at the start

    def outcome(self, contender: str, scenario: str) -> Outcome:
        return self.outcomes.get((contender, scenario), Outcome())


def machine() -> list[tuple[str, str]]:
    cpu = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        ("CPUs (nproc)", str(os.cpu_count())),
        ("CPU", cpu),
        ("memory", memory),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("load average at start", load),
    ]


def versions(run: Run) -> list[tuple[str, str]]:
    rows = [("Python", platform.python_version())]
    for name in PYTHON_PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    if run.node is not None:
        node = subprocess.run([run.node, "--version"], capture_output=True, text=True).stdout
        where = Path(run.node)
        if where.is_relative_to(ROOT):
            where = where.relative_to(ROOT)
        rows.append(("Node.js", f"{node.strip()} ({where})"))
        rows += [(name, install.package_version(name)) for name in install.NODE_PACKAGES]
    rows.append(("wrk", run.wrk_version))
    return rows


def _uvicorn_loop() -> str:
    """What uvicorn's "auto" settings (used by kite start and serve.py) pick."""
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:
        http = "h11"
    return (
        f"loop={loop}, http={http}; Kite as `kite start` sets it up (no access log, its "
        "default; uvicorn's httptools protocol with writes batched per turn of the event loop), "
        "the other Python apps with uvicorn's defaults (access log on), as "
        "`uvicorn.run(app)` does"
    )


def _ratio(kite: Outcome, peer: Outcome) -> str:
    if kite.result is None or peer.result is None or not peer.result.rps:
        return "–"
    return f"{kite.result.rps / peer.result.rps:.2f}"


def _cpu_ratio(kite: Outcome, peer: Outcome) -> str:
    if not kite.cpu_us or not peer.cpu_us:
        return "–"
    return f"{peer.cpu_us / kite.cpu_us:.2f}"


KITES = ("kite", "kite-plain", "kite-plain-async", "kite-2w", "kite-log")


def _pairs(names: list[str]) -> list[tuple[str, str]]:
    """(Kite, peer) for each ratio column, of the contenders that ran."""
    pairs = [("kite", peer) for peer in names if peer not in KITES and "kite" in names]
    # The app as users write it against the peers the issue names, and like for like with
    # the same code written async (plain functions' own cost).
    pairs += [
        ("kite-plain", peer)
        for peer in ("fastapi", "sveltekit", "kite-plain-async")
        if "kite-plain" in names and peer in names
    ]
    # Like for like with the hand-written apps, which log each request.
    if "kite-log" in names and "starlette" in names:
        pairs.append(("kite-log", "starlette"))
    # The deployment a 2-core machine invites (Node runs JavaScript on one core).
    if "kite-2w" in names and "sveltekit" in names:
        pairs.append(("kite-2w", "sveltekit"))
    return pairs


def tables(run: Run) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for each table."""
    names = list(run.titles)
    throughput = [[s.title, *(run.outcome(n, s.name).cell() for n in names)] for s in run.scenarios]
    latency = [[s.title, *(run.outcome(n, s.name).latency() for n in names)] for s in run.scenarios]
    cpu = [[s.title, *(run.outcome(n, s.name).cpu() for n in names)] for s in run.scenarios]
    tables = [
        ("Requests per second", ["scenario", *run.titles.values()], throughput),
        ("Latency p50 / p99 (ms)", ["scenario", *run.titles.values()], latency),
        (CPU_TITLE, ["scenario", *run.titles.values()], cpu),
    ]
    pairs = _pairs(names)
    if pairs:
        ratios = [
            [s.title, *(_ratio(run.outcome(k, s.name), run.outcome(p, s.name)) for k, p in pairs)]
            for s in run.scenarios
        ]
        header = ["scenario", *(f"{run.titles[k]} ÷ {run.titles[p]}" for k, p in pairs)]
        title = "Kite's ratio to each peer (req/s ÷ req/s; above 1: Kite is faster)"
        tables.append((title, header, ratios))
        cpu_ratios = [
            [
                s.title,
                *(_cpu_ratio(run.outcome(k, s.name), run.outcome(p, s.name)) for k, p in pairs),
            ]
            for s in run.scenarios
        ]
        tables.append((CPU_RATIO_TITLE, header, cpu_ratios))
    return tables


def _failures(run: Run) -> list[str]:
    lines = list(run.errors)
    for (contender, scenario), outcome in run.outcomes.items():
        if outcome.failed:
            lines.append(f"{run.titles[contender]}, {scenario}: FAILED — {outcome.failed}")
        elif outcome.result and (outcome.result.unexpected or outcome.result.socket_errors):
            result = outcome.result
            lines.append(
                f"{run.titles[contender]}, {scenario}: ⚠ {result.unexpected} answers with an "
                f"unexpected status, {result.socket_errors} socket errors/timeouts "
                f"of {result.requests}"
            )
    return lines


def _sizes(run: Run) -> list[tuple[str, str]]:
    what = [
        (
            "Kite: JS the /login page of the benchmark app loads before it is interactive "
            "(the demo's budget: 8 KB)",
            run.kite_page,
        ),
        (
            "Kite runtime: every module /_kite/ serves (minified; the most a page loads, "
            "after submissions and clicks)",
            run.kite_runtime,
        ),
        ("SvelteKit client JS the /login page loads", run.sveltekit_client),
    ]
    return [(title, _size(assets)) for title, assets in what if assets]


def _size(assets: list[Asset]) -> str:
    total = sum(a.gzipped for a in assets)
    raw = sum(a.raw for a in assets)
    return (
        f"{total / 1024:.1f} KiB gzip = {total:,} B ({raw / 1024:.1f} KiB raw, {len(assets)} files)"
    )


def _text_row(cells: list[str], widths: list[int]) -> str:
    """The first column left-aligned, the numbers right-aligned."""
    first, *rest = cells
    return "  ".join(
        [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
    )


def text(run: Run) -> str:
    out = []
    for title, header, rows in tables(run):
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        out.append(f"\n{title}")
        out += [_text_row(row, widths) for row in [header, *rows]]
    sizes = _sizes(run)
    if sizes:
        out.append("\nJavaScript for the login page (gzip -9)")
        out += [f"  {name}: {value}" for name, value in sizes]
    failures = _failures(run)
    if failures:
        out.append("\nProblems")
        out += [f"  {line}" for line in failures]
    return "\n".join(out) + "\n"


def _md_table(header: list[str], rows: list[list[str]], numbers: bool = True) -> list[str]:
    align = ["---"] + ["---:" if numbers else "---"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


# Sections under this line in RESULTS.md are written by hand (where the time goes, the
# devalue measurements): bench/run writes its tables above it and keeps them.
KEEP_MARKER = "<!-- Written by hand below this line: bench/run keeps it. -->"


def kept_sections(path: Path) -> str:
    """The hand-written end of an earlier report, marker included; "" when there is none."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    at = text.find(KEEP_MARKER)
    return "" if at < 0 else text[at:]


def own_section(begin: str, end: str, title: str, description: str, table: list[str]) -> str:
    """A section of its own: a heading, a paragraph and a table between two markers."""
    return "\n".join([begin, f"## {title}", "", description, "", *table, end]) + "\n"


def write_section(text: str, output: Path, begin: str, end: str) -> None:
    """Write a section of its own (bench/latency.py's, bench/plain_cost.py's) into a report:
    replace the one between `begin` and `end` written last time; else add it right after
    the marker of the hand-written part (which bench/run keeps); else at the end. A new
    file gets the section alone."""
    current = output.read_text(encoding="utf-8") if output.is_file() else ""
    if begin in current and end in current:
        before, rest = current.split(begin, 1)
        updated = before + text + rest.split(end, 1)[1].removeprefix("\n")
    elif KEEP_MARKER in current:
        before, after = current.split(KEEP_MARKER, 1)
        updated = before + KEEP_MARKER + "\n\n" + text + "\n" + after.lstrip("\n")
    elif current:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        updated = text
    output.write_text(updated, encoding="utf-8")


def markdown(run: Run, kept: str = "") -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run`; see [docs/benchmarks.md](../docs/benchmarks.md) for what is "
        "measured and how. Numbers from one machine, one run: compare ratios, not absolutes.",
        "",
        f"- command: `{run.command}`",
        f"- date: {run.started.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        f"- load: {run.settings}",
        f"- Python servers: uvicorn, {_uvicorn_loop()}",
        "",
    ]
    for title, header, rows in tables(run):
        lines += [f"## {title}", "", *_md_table(header, rows), ""]
    if any(
        o.result and (o.result.unexpected or o.result.socket_errors) for o in run.outcomes.values()
    ):
        lines += ["⚠: some answers had an unexpected status or a socket failed (see Problems).", ""]
    sizes = _sizes(run)
    if sizes:
        lines += ["## JavaScript for the login page (gzip -9)", ""]
        lines += _md_table(["what", "size"], [list(row) for row in sizes], numbers=False)
        details = [[f"kite: {a.name}", f"{a.gzipped:,} B"] for a in run.kite_runtime]
        details += [[f"sveltekit: {a.name}", f"{a.gzipped:,} B"] for a in run.sveltekit_client]
        lines += ["", "<details><summary>per file</summary>", ""]
        lines += _md_table(["file", "gzip"], details)
        lines += ["", "</details>", ""]
    failures = _failures(run)
    if failures:
        lines += ["## Problems", "", *(f"- {line}" for line in failures), ""]
    lines += [
        "## Machine",
        "",
        *_md_table(["", ""], [list(row) for row in run.machine], numbers=False),
        "",
    ]
    lines += [
        "## Versions",
        "",
        *_md_table(["", ""], [list(row) for row in versions(run)], numbers=False),
        "",
    ]
    return "\n".join(lines) + "\n" + (kept or KEEP_MARKER + "\n")


def now() -> datetime:
    return datetime.now(UTC)


def command_line() -> str:
    return " ".join(["bench/run", *sys.argv[1:]])
