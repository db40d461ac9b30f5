"""One CPU for a serving process's threads: `cpu_affinity = "loop"`, the default of
`kite start`.

A plain `def` runs in a worker thread (kite.server.calling), and each trip there and back
takes two wake-ups: the loop wakes a worker, the worker wakes the loop. With the two threads
on different CPUs, every wake-up crosses between them (an interrupt sent to the other CPU,
which on a virtual machine is a trip through the hypervisor). On the 2-CPU benchmark machine
those crossings made the plain-written app cost 1.2–1.45 times the CPU of its async twin;
with the process on one CPU, the woken thread simply runs when the other waits, and the two
cost the same (docs/architecture.md, "Plain functions"). One CPU is all the process's Python
code can use anyway: the GIL runs one thread at a time.

So each serving process keeps its event loop's thread and its worker threads on the CPU the
loop runs on when it starts. Every second it reads how long the loop waited for that CPU
(/proc/thread-self/schedstat). A fifth of the second or more means that something else wants
the CPU — another process, or a worker thread computing outside the GIL (hashing a password,
resizing an image) — and the threads are let go for a second, for the kernel to place them,
then kept together again where the loop then runs.

Linux only (sched_setaffinity and /proc); elsewhere, and with one CPU, nothing is done.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from kite.server.calling import WorkerThreads

__all__ = ["CONTENDED", "INTERVAL", "CpuHome", "supported"]

logger = logging.getLogger("kite")

# Seconds between two looks at the loop's waiting, and the share of them it may wait for its
# CPU before the threads are let go. The process's own worker threads, running Python with
# the GIL, made the loop wait under a tenth on the benchmark's busiest plain app.
INTERVAL = 1.0
CONTENDED = 0.2

_STAT = Path("/proc/thread-self/stat")
_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def supported() -> bool:
    """Whether threads can be kept on a CPU here, and there is more than one to choose."""
    return (
        hasattr(os, "sched_setaffinity")
        and _SCHEDSTAT.exists()
        and len(os.sched_getaffinity(0)) > 1
    )


class CpuHome:
    """Keeps the calling loop's thread and `threads` on one CPU (see the module's text).
    `start` and every later step run on the loop."""

    def __init__(
        self,
        threads: WorkerThreads,
        *,
        interval: float = INTERVAL,
        contended: float = CONTENDED,
    ) -> None:
        self.threads = threads
        self.interval = interval
        self.contended = contended
        self.allowed = frozenset(os.sched_getaffinity(0))
        self.home: int | None = None  # None: let go until the next look
        self._waited = 0  # the loop thread's run-queue wait so far, in nanoseconds
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._settle()
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._look)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _look(self) -> None:
        waited = _run_queue_wait()
        share = (waited - self._waited) / 1e9 / self.interval
        self._waited = waited
        if self.home is None:
            self._settle()
        elif share >= self.contended:
            logger.debug(
                "cpu_affinity: the event loop waited %.0f %% of %.1f s for CPU %d; its threads "
                "are let go for the kernel to place",
                share * 100,
                self.interval,
                self.home,
            )
            self._keep_on(None, self.allowed)
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._look)

    def _settle(self) -> None:
        cpu = _current_cpu()
        self._keep_on(cpu, frozenset((cpu,)))
        self._waited = _run_queue_wait()

    def _keep_on(self, home: int | None, cpus: frozenset[int]) -> None:
        try:
            os.sched_setaffinity(0, cpus)  # this thread: the loop's
        except OSError as exc:  # the CPU was taken from the process meanwhile (cgroups)
            logger.debug("cpu_affinity: cannot keep the loop on %s: %s", sorted(cpus), exc)
            home, cpus = None, self.allowed
            os.sched_setaffinity(0, cpus)
        self.home = home
        self.threads.keep_on(cpus)


def _current_cpu() -> int:
    # Field 39 of stat, "processor": the CPU this thread last ran on (now, for itself).
    fields = _STAT.read_text().rsplit(")", 1)[1].split()
    return int(fields[36])


def _run_queue_wait() -> int:
    # schedstat: time on the CPU, time waiting on its run queue (ns), slices run.
    return int(_SCHEDSTAT.read_text().split()[1])
