"""PDFs rendered in worker processes: from the cache where it holds them, else in a pool (of one,
at least, which still keeps a crash or a hang away from the build), each with a time limit;
and every pool of a `gtm serve` session stopped at once on Ctrl-C."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait

from gtm.render.pdf import TIME_LIMIT, PdfCache, PdfJob, PdfResult, render_pdf

SECTIONS_PER_LIMIT = 20
"""A document gets the time limit once per this many one-pagers it holds: the sales kit of 60
battlecards and 200 personas is 550 pages, about 80 s of WeasyPrint on one core."""


class Renders:
    """The PDF worker pools running now, so that `gtm serve` can stop them all at once when it
    is stopped (Ctrl-C) while PDFs render in the background."""

    def __init__(self) -> None:
        self.pools: set[ProcessPoolExecutor] = set()

    def cancel(self) -> None:
        """Stops every render in progress at once."""
        for executor in list(self.pools):
            _kill(executor)
            executor.shutdown(wait=False, cancel_futures=True)


def render_documents(
    jobs: list[PdfJob],
    files: dict[str, str],
    cache: PdfCache | None,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    time_limit: float = TIME_LIMIT,
    running: Renders | None = None,
) -> list[PdfResult]:
    """Every job's result in job order: cached ones first looked up, the rest rendered in
    `workers` processes (a pool of one still isolates a crash or a hang from the build)."""
    results: dict[str, PdfResult] = {}
    todo: list[PdfJob] = []
    for job in jobs:
        hit = cache.get(job, files) if cache else None
        if hit is not None:
            results[job.path] = hit
        else:
            todo.append(job)
    done = len(results)
    if progress:
        progress(done, len(jobs))
    for result in _render_all(todo, files, workers, time_limit, running or Renders()):
        results[result.path] = result
        done += 1
        if progress:
            progress(done, len(jobs))
    if cache:
        for job in todo:
            cache.put(job, results[job.path])
        cache.prune({cache.key(job) for job in jobs}, spare=2 * len(jobs))
    return [results[job.path] for job in jobs]


def _render_all(
    jobs: list[PdfJob], files: dict[str, str], workers: int, time_limit: float, running: Renders
) -> Iterator[PdfResult]:
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context())
    running.pools.add(executor)
    limits = {job.path: time_limit * max(1.0, job.sections / SECTIONS_PER_LIMIT) for job in jobs}
    biggest_first = sorted(jobs, key=lambda job: -job.sections)
    futures: dict[Future[PdfResult], PdfJob] = {
        executor.submit(render_pdf, job, files, limits[job.path]): job for job in biggest_first
    }
    # A worker stuck in C code ignores its alarm; past this deadline the pool is torn down.
    longest = max(limits.values())
    deadline = time.monotonic() + sum(limits.values()) / workers + longest + 10
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, timeout=max(0.0, deadline - time.monotonic()))
            if not finished:
                break
            for future in finished:
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # A worker that died (a crash in a C library).
                    yield PdfResult(job.path, error=f"the PDF worker stopped: {exc}")
        for future in pending:
            yield PdfResult(futures[future].path, error="rendering did not finish in time")
    finally:
        running.pools.discard(executor)
        if pending:
            _kill(executor)
        executor.shutdown(wait=not pending, cancel_futures=True)


def _kill(executor: ProcessPoolExecutor) -> None:
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def _start_forkserver_off_the_working_folder() -> None:
    """The fork server starts as `python -c ...`, which puts the working folder first on its
    sys.path before it preloads WeasyPrint and gtm.render.pdf (Python 3.11 ignores the sys.path
    it is handed), so a folder called weasyprint/ or gtm/ where gtm runs would be imported
    instead. PYTHONSAFEPATH keeps it off there, and so off every worker forked from it."""
    from multiprocessing import forkserver

    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


def _process_context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: workers start from a clean process that has WeasyPrint
    loaded already, which is quick and safe even when the caller runs threads (gtm serve)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "gtm.render.pdf"])
        _start_forkserver_off_the_working_folder()
        return context
    return multiprocessing.get_context("spawn")
