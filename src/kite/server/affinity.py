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

So once a serving process has run a plain function, it keeps its event loop's thread and its
worker threads on the CPU the loop runs on then (with `kite start --workers N`, each worker
on the next CPU after its elder siblings'). An app of `async def` functions only is left
alone: it has no worker thread to keep beside its loop.

Every second it reads how long the loop waited for that CPU (/proc/thread-self/schedstat).
A fifth of the second or more means that something wants the CPU besides the loop:

- its own worker threads, computing outside the GIL (hashing a password, resizing an
  image: they used the CPU a fifth of the second or more): they may run on any CPU until
  they have hardly run for ten seconds;
- another process (two workers of `kite start --workers 2` started on one CPU, a busy
  neighbour): the process moves to the CPU that was idlest, if it was idle a fifth of the
  second or more, and half the time only, so that two processes sharing a CPU do not both
  move to the same other one.

Linux only (sched_setaffinity and /proc); elsewhere, and with one CPU, nothing is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
from collections.abc import Callable
from pathlib import Path

from kite.server.calling import WorkerThreads

__all__ = ["CONTENDED", "INTERVAL", "QUIET_LOOKS", "CpuHome", "supported"]

logger = logging.getLogger("kite")

# Seconds between two looks at the loop's waiting, and the share of them it may wait for its
# CPU before the threads are let go. The process's own worker threads, running Python with
# the GIL, made the loop wait under a tenth on the benchmark's busiest plain app.
INTERVAL = 1.0
CONTENDED = 0.2
# Worker threads let go to compute stay free until they have hardly run (a twentieth of the
# time) for this many looks in a row: freed, they may well wait on the GIL for a while.
QUIET_LOOKS = 10

_STAT = Path("/proc/thread-self/stat")
_PROC_STAT = Path("/proc/stat")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
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
        chance: Callable[[], float] = random.random,
        among_workers: bool = False,
    ) -> None:
        self.threads = threads
        self.among_workers = among_workers
        self.interval = interval
        self.contended = contended
        self.chance = chance
        self.allowed = frozenset(os.sched_getaffinity(0))
        self.home: int | None = None
        self.workers_free = False  # the worker threads may run on any CPU
        # At the last look: the loop thread's run-queue wait and the worker threads' CPU
        # time (ns), and each CPU's idle time (clock ticks).
        self._waited = 0
        self._workers = 0
        self._idle: dict[int, int] = {}
        self._quiet = 0  # looks in a row the freed worker threads hardly ran
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Look once a second from now on. Nothing is kept anywhere until the app has run a
        plain function: an app of `async def` functions has no worker thread to keep
        beside its loop, and gains nothing from being held to one CPU."""
        try:
            self._measure()
        except (OSError, ValueError, IndexError) as exc:  # /proc not as Linux documents it
            logger.debug("cpu_affinity: threads left to the kernel: %s", exc)
            return
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._look)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _look(self) -> None:
        try:
            self._step(*self._measure())
        except (OSError, ValueError, IndexError) as exc:  # /proc went away meanwhile
            logger.debug("cpu_affinity: threads left to the kernel: %s", exc)
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, self.allowed)
            self.threads.keep_on(self.allowed)
            return
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._look)

    def _measure(self) -> tuple[float, float, dict[int, float]]:
        """Since the last look, as shares of the interval: how long the loop waited for its
        CPU, how long the worker threads ran, how long each CPU was idle."""
        waited, workers, idle = _run_queue_wait(), _threads_cpu(self.threads), _idle_ticks()
        span = self.interval * 1e9
        ticks = _TICKS * self.interval
        idle_share = {cpu: (now - self._idle.get(cpu, now)) / ticks for cpu, now in idle.items()}
        shares = ((waited - self._waited) / span, (workers - self._workers) / span, idle_share)
        self._waited, self._workers, self._idle = waited, workers, idle
        return shares

    def _step(self, waited: float, workers: float, idle: dict[int, float]) -> None:
        if self.home is None:
            if self.threads.native_ids():  # the first plain function has run
                self._move(self._first_cpu())
            return
        if self.workers_free:
            # Back beside the loop once they have been quiet for QUIET_LOOKS looks in a row.
            self._quiet = self._quiet + 1 if workers < self.contended / 4 else 0
            if self._quiet >= QUIET_LOOKS and self.home is not None:
                self.workers_free = False
                self.threads.keep_on(frozenset((self.home,)))
        if waited < self.contended:
            return
        if workers >= self.contended:
            if not self.workers_free:
                logger.debug(
                    "cpu_affinity: worker threads ran %.0f %% of the last %.1f s beside the "
                    "loop; they may use any CPU",
                    workers * 100,
                    self.interval,
                )
                self.workers_free, self._quiet = True, 0
                self.threads.keep_on(self.allowed)
            return
        others = [cpu for cpu in self.allowed if cpu != self.home and cpu in idle]
        if not others:
            return
        idlest = max(others, key=lambda cpu: idle[cpu])
        if idle[idlest] >= self.contended and self.chance() < 0.5:
            logger.debug(
                "cpu_affinity: the event loop waited %.0f %% of the last %.1f s for CPU %s; "
                "moving to CPU %d, idle %.0f %%",
                waited * 100,
                self.interval,
                self.home,
                idlest,
                idle[idlest] * 100,
            )
            self._move(idlest)

    def _first_cpu(self) -> int:
        """The CPU the loop runs on; for one of `kite start --workers N`, the next CPU after
        its elder siblings', so that the workers start on CPUs of their own."""
        place = _place_among_siblings() if self.among_workers else None
        if place is None:
            return _current_cpu()
        allowed = sorted(self.allowed)
        return allowed[place % len(allowed)]

    def _move(self, cpu: int) -> None:
        cpus = frozenset((cpu,))
        try:
            os.sched_setaffinity(0, cpus)  # this thread: the loop's
        except OSError as exc:  # the CPU was taken from the process meanwhile (cgroups)
            logger.debug("cpu_affinity: cannot keep the loop on CPU %d: %s", cpu, exc)
            return
        self.home = cpu
        self.threads.keep_on(self.allowed if self.workers_free else cpus)


def _current_cpu() -> int:
    # Field 39 of stat, "processor": the CPU this thread last ran on (now, for itself).
    fields = _STAT.read_text().rsplit(")", 1)[1].split()
    return int(fields[36])


def _run_queue_wait() -> int:
    # schedstat: time on the CPU, time waiting on its run queue (ns), slices run.
    return int(_SCHEDSTAT.read_text().split()[1])


def _place_among_siblings() -> int | None:
    """This process's place among its parent's children by age (process id), or None."""
    parent = os.getppid()
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except OSError:  # a kernel without it
        return None
    ids = sorted(int(child) for child in children)
    return ids.index(os.getpid()) if os.getpid() in ids else None


def _threads_cpu(threads: WorkerThreads) -> int:
    """The CPU time of the worker threads now running (ns)."""
    total = 0
    for native_id in threads.native_ids():
        with contextlib.suppress(OSError):  # ended meanwhile
            total += int(Path(f"/proc/self/task/{native_id}/schedstat").read_text().split()[0])
    return total


def _idle_ticks() -> dict[int, int]:
    """Each CPU's idle time so far (idle and waiting for I/O), in clock ticks."""
    idle: dict[int, int] = {}
    for line in _PROC_STAT.read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            idle[int(name[3:])] = int(values[3]) + int(values[4])
    return idle
