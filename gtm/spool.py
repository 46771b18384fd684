"""Where a one-off build keeps its output files until they are published: in memory up to a
budget, then each in a file of a private folder in the build cache. A portal of thousands of
pages and API files then never sits in memory whole, and a small one never touches the disk."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator, MutableMapping
from contextlib import suppress
from pathlib import Path
from types import TracebackType

DEFAULT_BUDGET = 48 * 1024 * 1024
"""Bytes held in memory before files go to disk: more than the example's whole output."""

_PREFIX = "spool-"
_STALE_SECONDS = 24 * 3600


class SpooledFiles(MutableMapping[str, bytes]):
    """Output path → bytes, like a dict; past `budget` bytes, new files are written to a folder
    under `parent` and read back when asked for. A file that cannot be written there is held
    in memory instead: the spool may cost memory, never the build. Iterates in path order."""

    def __init__(self, parent: Path, budget: int | None = None) -> None:
        self.parent = parent
        self.budget = DEFAULT_BUDGET if budget is None else budget
        self.held_bytes = 0
        self._held: dict[str, bytes] = {}
        self._spilled: dict[str, Path] = {}
        self._folder: Path | None = None
        self._count = 0

    def __enter__(self) -> SpooledFiles:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Forgets every file and removes the folder."""
        self._held.clear()
        self._spilled.clear()
        self.held_bytes = 0
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    @property
    def spilled(self) -> int:
        """How many files are on disk rather than in memory."""
        return len(self._spilled)

    def copy_to(self, name: str, target: Path) -> bool:
        """Copies a file that is on disk to `target`, a new file, by the system (its bytes never
        come back into Python); False when it is held in memory or cannot be copied. A copy,
        not a link: the new file takes the group, access lists and labels of the folder it is
        made in, as a written one does, not those of the cache."""
        path = self._spilled.get(name)
        if path is None:
            return False
        try:
            shutil.copyfile(path, target)
        except OSError:
            return False
        return True

    def __setitem__(self, name: str, data: bytes) -> None:
        self._forget(name)
        if self.held_bytes + len(data) > self.budget:
            path = self._write(data)
            if path is not None:
                self._spilled[name] = path
                return
        self._held[name] = data
        self.held_bytes += len(data)

    def __getitem__(self, name: str) -> bytes:
        if name in self._held:
            return self._held[name]
        path = self._spilled[name]
        return path.read_bytes()

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._forget(name)

    def __contains__(self, name: object) -> bool:
        return name in self._held or name in self._spilled

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._held.keys() | self._spilled.keys()))

    def __len__(self) -> int:
        return len(self._held) + len(self._spilled)

    def _forget(self, name: str) -> None:
        data = self._held.pop(name, None)
        if data is not None:
            self.held_bytes -= len(data)
        path = self._spilled.pop(name, None)
        if path is not None:
            with suppress(OSError):
                path.unlink()

    def _write(self, data: bytes) -> Path | None:
        try:
            folder = self._place()
            self._count += 1
            path = folder / str(self._count)
            path.write_bytes(data)
        except OSError:
            return None
        return path

    def _place(self) -> Path:
        """The spool's own folder, made on first use; leftovers of builds that were killed
        a day ago or more are removed on the way."""
        if self._folder is None:
            self.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _remove_stale(self.parent)
            self._folder = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=self.parent))
        return self._folder


def _remove_stale(parent: Path) -> None:
    now = time.time()
    with suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            if not entry.name.startswith(_PREFIX) or not entry.is_dir(follow_symlinks=False):
                continue
            with suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > _STALE_SECONDS:
                    shutil.rmtree(entry.path, ignore_errors=True)
