"""File events for `gtm serve`: watchdog observers on the content, the project's themes,
gtm.toml and git's index and HEAD, turned into one change set per burst of saves. Editors write
a file several times or save through a temporary file and a rename; the builder should see that
as one change."""

from __future__ import annotations

import queue
import time
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from gtm.changes import ChangeSet
from gtm.content.config import CONFIG_FILE
from gtm.content.project import Project, is_within
from gtm.content.reading import is_ignored
from gtm.content.worktree import git_state_files

QUIET = 0.03
"""Seconds without a new event that end a burst of saves."""
SETTLED_QUIET = 0.005
"""The same after a file was closed from writing or renamed into place: the save is complete,
and only an editor's follow-up (a second file, a change of mode) comes that quickly."""
SETTLING_EVENTS = frozenset({"closed", "moved"})
LONGEST_BURST = 0.5
IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})
WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    *(FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent),
    *(DirCreatedEvent, DirDeletedEvent, DirMovedEvent),
]
"""Writes, not reads: a rebuild reads every content file, and on Linux each open and close
would otherwise be an event that the watcher thread handles while the build waits for it."""


class Watcher:
    """Watches what a build reads, never the output, the cache or other folders of the project
    (a virtual environment in the project would cost thousands of watches)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.events: queue.Queue[tuple[Path, bool]] = queue.Queue()
        """Relevant paths, each with whether its event completed a save (see SETTLED_QUIET)."""
        self.observer = Observer()
        self.handler = _Handler(self)
        self.observer.schedule(
            self.handler, str(project.root), recursive=False, event_filter=WATCHED_EVENTS
        )
        self.watched: set[Path] = set()
        self._watch_folders()
        self.git_files = git_state_files(project.root)
        for folder in {path.parent for path in self.git_files if path.parent.is_dir()}:
            self.observer.schedule(
                self.handler, str(folder), recursive=False, event_filter=WATCHED_EVENTS
            )

    def _watch_folders(self) -> None:
        """Content and theme folders, also when one appears after the server started."""
        for folder in (self.project.content_dir, self.project.root / "themes"):
            if folder not in self.watched and folder.is_dir():
                self.observer.schedule(
                    self.handler, str(folder), recursive=True, event_filter=WATCHED_EVENTS
                )
                self.watched.add(folder)

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        """Stops watching; also lets go of what scheduling opened when it never started."""
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=1)
        else:
            self.observer.unschedule_all()

    def relevant(self, path: Path) -> bool:
        project = self.project
        if path in self.git_files:
            return True
        if any(is_ignored(part) for part in path.relative_to(project.root).parts):
            return False
        if path == project.root / CONFIG_FILE:
            return True
        if is_within(path, project.output_dir):
            return False
        return is_within(path, project.content_dir) or is_within(path, project.root / "themes")

    def next_change(self, timeout: float | None = None) -> ChangeSet | None:
        """Waits for a first event (None after `timeout`), then gathers the rest of its burst."""
        try:
            first, settled = self.events.get(timeout=timeout)
        except queue.Empty:
            return None
        paths = {first}
        ends = time.monotonic() + LONGEST_BURST
        while (left := ends - time.monotonic()) > 0:
            try:
                path, settled = self.events.get(
                    timeout=min(SETTLED_QUIET if settled else QUIET, left)
                )
            except queue.Empty:
                break
            paths.add(path)
        self._watch_folders()
        # git's index or HEAD alone (a commit, a checkout) is a change with no file to read
        # again: the rebuild reads the history and the uncommitted files, as every build does.
        return ChangeSet.of(self.project, paths - self.git_files)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file in it changed, and that file has its own event
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(raw if isinstance(raw, str) else raw.decode())
            try:
                if self.watcher.relevant(path):
                    self.watcher.events.put((path, event.event_type in SETTLING_EVENTS))
            except ValueError:
                continue
