"""bench/run: install what is missing, then for each contender in turn start it, check and time
every scenario, stop it; print the tables and write bench/RESULTS.md."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from harness import install, report, sizes, twin
from harness.contenders import HOST, Running, StartError, all_contenders, cpu_seconds, serving
from harness.paths import RESULTS, ROOT
from harness.scenarios import SCENARIOS, Scenario
from harness.wrk import run_wrk, write_script


def _names(text: str, known: list[str], what: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(
            f"bench/run: unknown {what} {', '.join(unknown)}; known: {', '.join(known)}"
        )
    return names


def _parser() -> argparse.ArgumentParser:
    contenders = ",".join(c.name for c in all_contenders())
    scenarios = ",".join(s.name for s in SCENARIOS)
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Kite against SvelteKit, FastAPI, Starlette and raw ASGI (docs/benchmarks.md).",
    )
    # Whole seconds: wrk's -d takes no fractions.
    parser.add_argument("--duration", type=int, default=10, help="seconds timed per scenario (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of untimed load first (2)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1: a 2-core machine)")
    parser.add_argument("--only", default="", help=f"contenders, comma-separated: {contenders}")
    parser.add_argument("--scenarios", default="", help=f"comma-separated: {scenarios}")
    parser.add_argument(
        "--output",
        default=str(RESULTS.relative_to(ROOT)),
        help="markdown report (bench/RESULTS.md)",
    )
    parser.add_argument("--reinstall", action="store_true", help="npm install the latest again")
    return parser


def main() -> int:
    arguments = _parser().parse_args()
    contenders = all_contenders(reinstall=arguments.reinstall)
    if arguments.only:
        chosen = _names(arguments.only, [c.name for c in contenders], "contender")
        contenders = [c for c in contenders if c.name in chosen]
    scenarios = list(SCENARIOS)
    if arguments.scenarios:
        chosen = _names(arguments.scenarios, [s.name for s in SCENARIOS], "scenario")
        scenarios = [s for s in scenarios if s.name in chosen]

    wrk = install.ensure_wrk()
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer": up to the copyright.
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
    wrk_version = wrk_version.split(" Copyright")[0].strip() or "?"

    run = report.Run(
        command=report.command_line(),
        started=report.now(),
        scenarios=scenarios,
        titles={c.name: c.title for c in contenders},
        wrk_version=wrk_version,
        settings=(
            f"wrk -t{arguments.threads} -c{arguments.connections}, {arguments.warmup:g} s "
            f"warm-up + {arguments.duration:g} s timed per scenario, one contender at a time"
        ),
        machine=report.machine(),
        kite_runtime=sizes.kite_runtime(),
    )
    total = len(contenders) * len(scenarios) * (arguments.duration + arguments.warmup)
    print(f"bench: {len(contenders)} contenders × {len(scenarios)} scenarios, {total} s of load")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) / 2:
        print(f"bench: the machine is busy (load average {load:.1f}): numbers will be noisy")
    for contender in contenders:
        print(f"\n== {contender.title}", flush=True)
        try:
            with serving(contender) as running:
                origin = f"http://{HOST}:{running.port}"
                if contender.name == "kite":
                    try:
                        run.kite_page = sizes.kite_page_scripts(f"{origin}/login")
                    except Exception as exc:  # a browser problem must not lose the run
                        run.errors.append(f"Kite's up-front JavaScript not measured: {exc}")
                if contender.name == "sveltekit":
                    run.node = running.process.args[0]
                    try:
                        run.sveltekit_client = sizes.page_scripts(HOST, running.port)
                    except (OSError, RuntimeError) as exc:
                        run.errors.append(f"SvelteKit's client JavaScript not measured: {exc}")
                for scenario in scenarios:
                    outcome = _measure(arguments, wrk, origin, running, scenario)
                    run.outcomes[(contender.name, scenario.name)] = outcome
                    print(f"   {scenario.name:<24} {_summary(outcome)}", flush=True)
        except (StartError, install.InstallError, twin.TwinError) as exc:
            message = f"{contender.title} did not start: {exc}"
            print(f"   {message}", file=sys.stderr)
            run.errors.append(message.splitlines()[0])
    print(report.text(run))
    output = ROOT / arguments.output
    output.write_text(report.markdown(run, report.kept_sections(output)), encoding="utf-8")
    print(f"written: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0


def _measure(
    arguments: argparse.Namespace, wrk: str, origin: str, running: Running, scenario: Scenario
) -> report.Outcome:
    problem = scenario.check(HOST, running.port)
    if problem is not None:
        return report.Outcome(failed=problem)
    script = write_script(scenario, origin)
    options = {
        "connections": arguments.connections,
        "threads": arguments.threads,
        "expect_status": scenario.expect_status,
    }
    try:
        if arguments.warmup > 0:
            run_wrk(wrk, origin, script, duration=arguments.warmup, **options)
        time.sleep(0.2)
        cpu_before = cpu_seconds(running)
        result = run_wrk(wrk, origin, script, duration=arguments.duration, **options)
        cpu = cpu_seconds(running) - cpu_before
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return report.Outcome(failed=f"wrk: {exc}")
    cpu_us = cpu / result.requests * 1e6 if result.requests else None
    return report.Outcome(result=result, cpu_us=cpu_us)


def _summary(outcome: report.Outcome) -> str:
    if outcome.result is None:
        return f"FAILED: {outcome.failed}"
    result = outcome.result
    extra = ""
    if result.unexpected or result.socket_errors:
        extra = f"  ⚠ {result.unexpected} unexpected status, {result.socket_errors} socket errors"
    latency = f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms"
    return f"{result.rps:>9,.0f} req/s  {latency}{extra}"
