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

Every second it reads how long other processes ran on that CPU: the CPU's busy time
(/proc/stat) less the process's own threads' (their schedstat). A fifth of the second or
more (a busy neighbour, wrk beside the server), and the threads are let go for a second, for
the kernel to place among everything else it runs, then kept together again on the CPU the
loop runs on then. The process's own worker threads are never a reason to let go, even when
they compute outside the GIL (hashing a password, resizing an image): the process then uses
one CPU, as one that runs only Python would, and each hand-off stays cheap.
`cpu_affinity = "off"` lets such functions use the other CPUs.

Linux only (sched_setaffinity and /proc); elsewhere, and with one CPU, nothing is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from kite.server.calling import WorkerThreads

__all__ = ["CONTENDED", "INTERVAL", "CpuHome", "supported"]

logger = logging.getLogger("kite")

# Seconds between two looks at the CPU, and the share of them other processes may run on it
# before the threads are let go.
INTERVAL = 1.0
CONTENDED = 0.2

_STAT = Path("/proc/thread-self/stat")
_SCHEDSTAT = Path("/proc/thread-self/schedstat")
_PROC_STAT = Path("/proc/stat")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


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
        among_workers: bool = False,
    ) -> None:
        self.threads = threads
        self.interval = interval
        self.contended = contended
        self.among_workers = among_workers
        self.allowed = frozenset(os.sched_getaffinity(0))
        self.home: int | None = None  # None: not kept yet, or let go at the last look
        self.let_go = False
        # At the last look: the process's threads' CPU time (ns), the home CPU's busy time
        # (clock ticks).
        self._own = 0
        self._busy = 0
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Look once a second from now on. Nothing is kept anywhere until the app has run a
        plain function: an app of `async def` functions has no worker thread to keep
        beside its loop, and gains nothing from being held to one CPU."""
        try:
            self._reset()
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
            self._step(self._others())
        except (OSError, ValueError, IndexError) as exc:  # /proc went away meanwhile
            logger.debug("cpu_affinity: threads left to the kernel: %s", exc)
            self._release()
            return
        self._timer = asyncio.get_running_loop().call_later(self.interval, self._look)

    def _others(self) -> float:
        """Since the last look, as a share of the interval: how long other processes ran on
        the home CPU (its busy time less this process's threads')."""
        own, busy = self._counts()
        others = (busy - self._busy) / _TICKS - (own - self._own) / 1e9
        self._own, self._busy = own, busy
        return others / self.interval

    def _reset(self) -> None:
        """Count the next look from now (on the home CPU, once there is one)."""
        self._own, self._busy = self._counts()

    def _counts(self) -> tuple[int, int]:
        """The process's threads' CPU time (ns) and the home CPU's busy time (ticks)."""
        own = _thread_cpu("thread-self") + sum(
            _thread_cpu(f"self/task/{native_id}") for native_id in self.threads.native_ids()
        )
        return own, _busy_ticks(self.home) if self.home is not None else 0

    def _step(self, others: float) -> None:
        if self.home is None:
            if self.let_go:  # the kernel has placed the loop meanwhile: keep it there
                self.let_go = False
                self._keep_on(_current_cpu())
            elif self.threads.native_ids():  # the app has run a plain function
                self._keep_on(self._first_cpu())
            return
        if others < self.contended:
            return
        logger.debug(
            "cpu_affinity: other processes ran %.0f %% of the last %.1f s on CPU %d; the "
            "threads are let go for the kernel to place",
            others * 100,
            self.interval,
            self.home,
        )
        self._release()
        self.let_go = True

    def _first_cpu(self) -> int:
        """The CPU the loop runs on; for one of `kite start --workers N`, the next CPU after
        its elder siblings', so that the workers start on CPUs of their own."""
        place = _place_among_siblings() if self.among_workers else None
        if place is None:
            return _current_cpu()
        allowed = sorted(self.allowed)
        return allowed[place % len(allowed)]

    def _keep_on(self, cpu: int) -> None:
        cpus = frozenset((cpu,))
        try:
            os.sched_setaffinity(0, cpus)  # this thread: the loop's
        except OSError as exc:  # the CPU was taken from the process meanwhile (cgroups)
            logger.debug("cpu_affinity: cannot keep the loop on CPU %d: %s", cpu, exc)
            return
        self.home = cpu
        self.threads.keep_on(cpus)
        self._reset()

    def _release(self) -> None:
        self.home = None
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, self.allowed)
        self.threads.keep_on(self.allowed)


def _current_cpu() -> int:
    # Field 39 of stat, "processor": the CPU this thread last ran on (now, for itself).
    fields = _STAT.read_text().rsplit(")", 1)[1].split()
    return int(fields[36])


def _thread_cpu(task: str) -> int:
    """A thread's time on a CPU so far (ns): `task` is "thread-self" or "self/task/<id>"."""
    with contextlib.suppress(OSError):  # a worker thread ended meanwhile
        return int(Path(f"/proc/{task}/schedstat").read_text().split()[0])
    return 0


def _busy_ticks(cpu: int) -> int:
    """The time CPU `cpu` has run something so far (clock ticks): user, nice, system, irq and
    softirq (not idle, I/O wait, time stolen by a hypervisor, or guests, counted in user)."""
    for line in _PROC_STAT.read_text().splitlines():
        name, *values = line.split()
        if name == f"cpu{cpu}":
            ticks = [int(value) for value in values]
            return ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]
    raise ValueError(f"/proc/stat has no line for CPU {cpu}")


def _place_among_siblings() -> int | None:
    """This process's place among its parent's children by age (process id), or None."""
    parent = os.getppid()
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except OSError:  # a kernel without it
        return None
    ids = sorted(int(child) for child in children)
    return ids.index(os.getpid()) if os.getpid() in ids else None
