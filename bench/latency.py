"""Latency of enhanced forms as a person feels it: Kite and SvelteKit side by side, in Chromium
over an emulated slow network (issue 17, "Measure").

    .venv/bin/python bench/latency.py                      # both, 5 runs each
    .venv/bin/python bench/latency.py --only kite --iterations 1

Each run is a new browser context (a cold cache, as a first visit) with 150 ms of latency
on every request (CDP Network.emulateNetworkConditions; loopback otherwise). Steps, each a
click on a form's button:

- the login page: three wrong passwords, then the right one;
- a todo toggle;
- a form with a custom `enhance` callback (`/counter`, `add`);
- an action that redirects (`/counter`, `leave` → `/todos`).

The time of a step runs from the click (a capturing listener in the page) to the later of
the last change to the page (a MutationObserver) and the end of the last response the step
fetched (Resource Timing), read once nothing has been requested or changed for a while. The
requests of a step are every request the page made meanwhile (actions, data, modules).
Timing the last DOM change rather than a chosen element counts everything the framework
does, even when the result looks the same as before (a second wrong password). A framework
that changes nothing in the DOM for a repeated result is timed to the end of its response.

The table (median per step, requests of the median run) is printed and written into
bench/RESULTS.md between two markers, in the part that bench/run keeps; `--output` writes
it to another file instead. The servers are the contenders of bench/run (`kite start` of
bench/apps/kite, the SvelteKit build of bench/apps/sveltekit), started one after the other.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import install
from harness.contenders import HOST, Contender, all_contenders, serving
from harness.paths import RESULTS, ROOT
from harness.report import write_section
from playwright.sync_api import Browser, CDPSession, Page, Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EMAIL, PASSWORD = "ada@example.com", "correct horse 1"  # bench/apps/seed.json
QUIET_SECONDS = 0.5  # nothing requested or changed for this long: the step is over
STEP_TIMEOUT = 20.0
BEGIN, END = "<!-- latency: begin (bench/latency.py) -->", "<!-- latency: end -->"

# In every document: when the last click and the last DOM change happened (epoch ms).
PROBE = """
window.__latency = { click: 0, changed: 0 };
const now = () => performance.timeOrigin + performance.now();
new MutationObserver(() => { window.__latency.changed = now(); }).observe(document, {
  subtree: true, childList: true, attributes: true, characterData: true,
});
document.addEventListener("click", () => { window.__latency.click = now(); }, true);
"""

# The step's end: the later of the last change and the last response that began after the
# click.
ELAPSED = """() => {
  const probe = window.__latency;
  const clickedAt = probe.click - performance.timeOrigin;
  let end = probe.changed;
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.startTime < clickedAt) continue;
    end = Math.max(end, performance.timeOrigin + entry.responseEnd);
  }
  return end - probe.click;
}"""


@dataclass
class Step:
    name: str
    act: Callable[[Page], None]  # the click
    done: str  # a JS expression that holds once the result is shown


@dataclass
class Sample:
    ms: float
    requests: int  # that went to the server
    cached: int  # answered from the browser's cache (runtime modules a page loads again)


@dataclass
class Results:
    title: str
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def _click(selector: str) -> Callable[[Page], None]:
    return lambda page: page.click(selector)


TODO = "ul.todos li:first-child button"


def _toggle(page: Page) -> None:
    # The servers keep todos in memory: the next run finds this one the other way round.
    page.evaluate(
        f'window.__pressed = document.querySelector("{TODO}").getAttribute("aria-pressed")'
    )
    page.click(TODO)


def _login_with(password: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        page.fill('input[name="email"]', EMAIL)
        page.fill('input[name="password"]', password)
        page.click('button:text-is("Log in")')

    return act


def _steps() -> list[tuple[str, list[Step]]]:
    wrong = 'document.querySelector(".error")?.textContent.includes("Invalid credentials")'
    login = [
        Step(f"{nth} wrong password", _login_with("not the password"), wrong)
        for nth in ("first", "second", "third")
    ]
    login[0].name = "first wrong password after the page loaded"
    login.append(
        Step(
            "right password (success)",
            _login_with(PASSWORD),
            'document.querySelector(".notice")?.textContent.includes("Welcome back")',
        )
    )
    toggle = Step(
        "todo toggle",
        _toggle,
        f'document.querySelector("{TODO}").getAttribute("aria-pressed") !== window.__pressed',
    )
    custom = Step(
        "custom `enhance` callback",
        _click('button:text-is("Add")'),
        'document.querySelector(".count").textContent.trim() === "Count: 1"',
    )
    redirects = Step(
        "action that redirects",
        _click('button:text-is("Done")'),
        'location.pathname === "/todos" && !!document.querySelector("ul.todos")',
    )
    return [("/login", login), ("/todos", [toggle]), ("/counter", [custom, redirects])]


class Network:
    """The requests of one page: how many began, how many of them the browser's cache
    answered, how many are still open, and when the last one began or ended (monotonic
    seconds)."""

    def __init__(self, page: Page, cdp: CDPSession) -> None:
        self.started = 0
        self.cached = 0
        self.open = 0
        self.last = time.monotonic()
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)
        cdp.on("Network.requestServedFromCache", self._from_cache)
        cdp.on("Network.responseReceived", self._response)

    def _from_cache(self, event: dict[str, Any]) -> None:
        self.cached += 1

    def _response(self, event: dict[str, Any]) -> None:
        if event["response"].get("fromDiskCache"):
            self.cached += 1

    def _start(self, request: Request) -> None:
        self.started += 1
        self.open += 1
        self.last = time.monotonic()

    def _end(self, request: Request) -> None:
        self.open -= 1
        self.last = time.monotonic()

    def settle(self, page: Page, done: str = "true", since: int | None = None) -> None:
        """Wait until `done` holds, no request is open and nothing moved for a while (and,
        with `since`, a request began after that count: a step is never over before its
        first request)."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            page.wait_for_timeout(50)
            quiet = time.monotonic() - self.last >= QUIET_SECONDS
            asked = since is None or self.started > since
            if quiet and asked and self.open <= 0 and self._holds(page, done):
                changed = page.evaluate("Date.now() - window.__latency.changed")
                if changed >= QUIET_SECONDS * 1000:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the step did not finish within {STEP_TIMEOUT:g} s: {done}")

    @staticmethod
    def _holds(page: Page, done: str) -> bool:
        try:
            return bool(page.evaluate(f"() => Boolean({done})"))
        except Exception:  # a document being replaced: ask again
            return False


def _run_once(browser: Browser, origin: str, rtt_ms: int) -> dict[str, Sample]:
    context = browser.new_context()
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        conditions = {"offline": False, "latency": rtt_ms}
        cdp.send(
            "Network.emulateNetworkConditions",
            {**conditions, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        network = Network(page, cdp)
        samples: dict[str, Sample] = {}
        for path, steps in _steps():
            if not page.url.endswith(path):
                page.goto(origin + path)
            network.settle(page)
            for step in steps:
                page.evaluate("performance.clearResourceTimings()")
                before, cached = network.started, network.cached
                step.act(page)
                network.settle(page, step.done, since=before)
                hits = network.cached - cached
                requests = network.started - before - hits
                samples[step.name] = Sample(page.evaluate(ELAPSED), requests, hits)
        return samples
    finally:
        context.close()


def measure(contender: Contender, browser: Browser, iterations: int, rtt_ms: int) -> Results:
    results = Results(contender.title)
    with serving(contender) as running:
        origin = f"http://{HOST}:{running.port}"
        for _ in range(iterations):
            for name, sample in _run_once(browser, origin, rtt_ms).items():
                results.samples.setdefault(name, []).append(sample)
    return results


def _median(samples: list[Sample]) -> Sample:
    ordered = sorted(samples, key=lambda sample: sample.ms)
    middle = ordered[(len(ordered) - 1) // 2]
    return Sample(statistics.median(s.ms for s in samples), middle.requests, middle.cached)


def table(results: list[Results]) -> list[str]:
    header = ["step", *(f"{r.title}: ms, requests" for r in results)]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * len(results)]
    names = list(results[0].samples)
    for name in names:
        cells = []
        for result in results:
            median = _median(result.samples[name])
            cached = f" (+{median.cached} cached)" if median.cached else ""
            cells.append(f"{median.ms:.0f} ms, {median.requests}{cached}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _commit() -> str:
    run = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return run.stdout.strip() or "?"


def section(results: list[Results], arguments: argparse.Namespace, versions: str) -> str:
    runs = arguments.iterations
    lines = [
        BEGIN,
        "## Latency of enhanced forms (bench/latency.py)",
        "",
        f"Chromium, {arguments.rtt} ms emulated round trip per request, a cold cache per run; "
        f"median of {runs} run{'s' if runs != 1 else ''}; time from the click to the last "
        "change on the page or the last response of the step, whichever is later; "
        "requests: all that the step sent to the server (actions, data, modules), and "
        "those the browser's cache answered. "
        f"Run at commit `{_commit()}`, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; "
        f"{versions}.",
        "",
        *table(results),
        END,
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/latency.py", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="kite,sveltekit", help="kite, sveltekit or both")
    parser.add_argument("--iterations", type=int, default=5, help="runs per contender (5)")
    parser.add_argument("--rtt", type=int, default=150, help="emulated round trip, ms (150)")
    parser.add_argument("--output", default=str(RESULTS), help="bench/RESULTS.md")
    arguments = parser.parse_args(argv)
    wanted = [name.strip() for name in arguments.only.split(",") if name.strip()]
    contenders = {c.name: c for c in all_contenders() if c.name in ("kite", "sveltekit")}
    unknown = [name for name in wanted if name not in contenders]
    if unknown or not wanted:
        parser.error(f"--only takes kite and/or sveltekit, not {', '.join(unknown) or 'nothing'}")
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        versions = f"Chromium {browser.version}"
        try:
            for name in wanted:
                print(f"latency: {contenders[name].title}", flush=True)
                results.append(
                    measure(contenders[name], browser, arguments.iterations, arguments.rtt)
                )
        finally:
            browser.close()
    if "sveltekit" in wanted:
        versions += f", @sveltejs/kit {install.package_version('@sveltejs/kit')}"
    text = section(results, arguments, versions)
    print(text)
    output = Path(arguments.output)
    write_section(text, output if output.is_absolute() else (ROOT / output), BEGIN, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
