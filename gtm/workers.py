"""The speed machinery of a build in one place: forked worker processes (a pool, or one process
doing one thing in the background), a thread that waits on another program, and the tuning of
Python's collector and of the C allocator. The stages call `ForkPool`, `InBackground`,
`InThread` and the few functions here and otherwise read as if none of it existed."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import Pool
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

COLLECTION_THRESHOLDS = (10_000, 10, 10)
"""A build makes millions of small objects that live to its end; Python's default of a
collection every 700 new objects runs hundreds that free almost nothing (0.3 s of a build of
1,000 artifacts). The peak at 5,000 artifacts moved by less than the run-to-run noise."""


def tune_collector() -> None:
    """Collects garbage less often, for a process that builds (see COLLECTION_THRESHOLDS)."""
    gc.set_threshold(*COLLECTION_THRESHOLDS)


def keep_out_of_collections() -> None:
    """What exists now lives on (`gtm serve`'s first build): the collector's full passes skip
    it from here on instead of walking it on every save."""
    gc.freeze()


def can_fork() -> bool:
    """Whether work may be shared with forked processes: only with one thread, because a lock
    held by another thread stays locked in the child (`gtm serve` watches and serves in threads,
    so it works in one process)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def return_freed_memory() -> None:
    """Hands the memory Python has freed back to the system, which glibc otherwise keeps for
    later: a large build then peaks at what it holds, not at all it once held."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None) if sys.platform == "linux" else None
    if trim is not None:
        trim(0)


class InBackground:
    """`work` done in a forked process while this one goes on, for its side effects (such as
    filling the build cache), when forking is safe; else (or with no work) nothing happens.
    Used as a context manager: leaving it waits for the process, so nothing outlives the
    build."""

    def __init__(self, work: Callable[[], object] | None) -> None:
        self.process: BaseProcess | None = None
        if work is not None and can_fork():
            sys.stdout.flush()
            sys.stderr.flush()
            context = multiprocessing.get_context("fork")
            self.process = context.Process(target=_in_background, args=(work,), daemon=True)
            self.process.start()

    def __enter__(self) -> InBackground:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self.process is not None:
            self.process.terminate()
        self.wait()

    def wait(self) -> None:
        """Returns when the work is done (or failed: whoever needs its effects finds them
        missing and does the work again)."""
        if self.process is not None:
            self.process.join()
            self.process.close()
            self.process = None


class InThread(Generic[Result]):
    """`work` done in a thread while the caller goes on, for work that mostly waits on another
    program (git); `result` waits for it and gives what it returned, or raises what it raised."""

    def __init__(self, work: Callable[[], Result]) -> None:
        self._work = work
        self._outcome: tuple[Result] | BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (self._work(),)
        except BaseException as exc:  # handed to the caller of `result`
            self._outcome = exc

    def result(self) -> Result:
        self._thread.join()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        assert self._outcome is not None
        return self._outcome[0]


def _in_background(work: Callable[[], object]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    work()


_WORK: list[Callable[[Any], Any]] = []
"""The work of the pool being forked: the children inherit it, so only items and results
cross between processes, never the work (a page renderer with its compiled templates)."""


class ForkPool(Generic[Item, Result]):
    """`jobs` forked processes doing `work` on the items given to them, in slices, started on
    the first `give` that is worth it. The children inherit this process's memory, so `work` may
    be a method of an object that cannot be pickled; what was never given to them is done here.

    Used as a context manager: leaving it stops the children and lets the collector see again
    what it was told to skip while they ran."""

    def __init__(self, work: Callable[[Item], Result], jobs: int) -> None:
        self.work = work
        self.jobs = jobs
        self.pool: Pool | None = None
        self.sent: list[Iterator[tuple[int, list[Result]]]] = []
        self.slices: list[Sequence[Item]] = []

    def __enter__(self) -> ForkPool[Item, Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
            _WORK.clear()
            gc.unfreeze()

    def start(self) -> bool:
        """Forks the children, unless there is one job or forking is not safe; True if they
        run. The collector stops walking what they inherit, so their collections do not copy
        it page by page."""
        if self.pool is None and self.jobs >= 2 and can_fork():
            _WORK[:] = [self.work]
            gc.freeze()
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self.pool is not None

    def give(self, items: Sequence[Item], parts: int) -> None:
        """Hands `items` to the children in `parts` slices (`items[i::parts]`); without
        children, they wait for `done`, which does them here."""
        parts = max(1, min(parts, len(items)))
        slices = [items[start::parts] for start in range(parts)] if items else []
        first = len(self.slices)
        self.slices.extend(slices)
        if self.pool is not None and slices:
            jobs = [(first + number, list(part)) for number, part in enumerate(slices)]
            self.sent.append(self.pool.imap_unordered(_run_slice, jobs))

    def done(self) -> Iterator[tuple[Sequence[Item], list[Result]]]:
        """Each slice with its results, as the children finish them; slices no child took are
        done here, last."""
        finished: set[int] = set()
        for sent in self.sent:
            for number, results in sent:
                finished.add(number)
                yield self.slices[number], results
        for number, part in enumerate(self.slices):
            if number not in finished:
                yield part, [self.work(item) for item in part]
        self.sent, self.slices = [], []  # the items may be every text of the project


def _run_slice(job: tuple[int, list[Any]]) -> tuple[int, list[Any]]:
    number, items = job
    work = _WORK[0]
    return number, [work(item) for item in items]
