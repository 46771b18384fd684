"""The forked workers: the children really are other processes, inherit work that cannot be
pickled, and give back exactly what one process would; where forking is not worth it or not
safe, the same results come from this process."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from gtm.build import build_site
from gtm.content.project import open_project, run_options
from gtm.render import pages
from gtm.workers import ForkPool, InBackground, InThread, can_fork


class Unpicklable:
    """Work that only a forked child can run: a lock cannot be pickled."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def __call__(self, number: int) -> tuple[int, int]:
        return number * number, os.getpid()


def test_children_do_the_work_they_inherit_and_give_back_what_one_process_would() -> None:
    assert can_fork()
    with ForkPool(Unpicklable(), jobs=2) as pool:
        assert pool.start()
        pool.give(list(range(100)), parts=8)
        pool.give(list(range(100, 130)), parts=3)
        done = {
            item: result
            for part, results in pool.done()
            for item, result in zip(part, results, strict=True)
        }
    assert sorted(done) == list(range(130))
    assert all(square == item * item for item, (square, _) in done.items())
    assert os.getpid() not in {pid for _, pid in done.values()}


def test_without_children_the_work_is_done_here() -> None:
    with ForkPool(Unpicklable(), jobs=1) as pool:
        assert not pool.start()
        pool.give([1, 2, 3], parts=2)
        done = [result for _, results in pool.done() for result in results]
    assert sorted(square for square, _ in done) == [1, 4, 9]
    assert {pid for _, pid in done} == {os.getpid()}


def test_no_child_is_forked_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with ForkPool(Unpicklable(), jobs=2) as pool:
            assert not pool.start()
    finally:
        stop.set()
        thread.join()


def test_pages_rendered_in_forked_workers_are_the_pages_one_process_renders(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example is far below the size at which pages are shared out: forced here, so the
    forked path runs in every test run and must write the same bytes and problems."""
    project = open_project(example_project)
    alone = build_site(project, run_options(project, pdf=False, jobs=1))
    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGES", 1)
    forked_pids: list[int] = []
    render = pages.Renderer.render_apart

    def recording(self: pages.Renderer, page: pages.PlannedPage) -> object:
        forked_pids.append(os.getpid())
        return render(self, page)

    monkeypatch.setattr(pages.Renderer, "render_apart", recording)
    shutil.rmtree(project.cache_dir)  # every page rendered again, none taken from the cache
    shared = build_site(project, run_options(project, pdf=False, jobs=2))
    assert shared.reused == 0 and shared.pages > 20
    assert shared.files == alone.files
    assert shared.diagnostics == alone.diagnostics
    assert forked_pids == []  # appended in the children, never here


def test_work_in_the_background_runs_in_another_process_and_is_done_on_wait(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "done"
    lock = threading.Lock()  # cannot be pickled: the child inherits the work

    def work() -> None:
        with lock:
            marker.write_text(str(os.getpid()))

    with InBackground(work) as background:
        background.wait()
        assert int(marker.read_text()) != os.getpid()
    marker.unlink()
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        with InBackground(work):  # another thread runs: forking is not safe, nothing is done
            pass
    finally:
        stop.set()
        waiting.join()
    assert not marker.exists()


def test_work_in_a_thread_gives_its_result_or_its_exception_to_the_caller() -> None:
    started = threading.Event()
    go_on = threading.Event()

    def work() -> frozenset[str]:
        started.set()
        go_on.wait(5)
        return frozenset({threading.current_thread().name})

    running = InThread(work)
    assert started.wait(5), "the work runs while the caller goes on"
    go_on.set()
    assert running.result() != frozenset({threading.current_thread().name})

    def fails() -> None:
        raise ValueError("git said no")

    with pytest.raises(ValueError, match="git said no"):
        InThread(fails).result()
