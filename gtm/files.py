"""The project's own files, read without ever following a link: a link in `content/assets/` or
in a theme's `static/` would publish whatever it points at (`.env`, `.git/config`, a draft), and
a pipe or a device could block a build for ever."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FolderFiles:
    """What a walk of a folder found: its regular files by their POSIX path under it, and what
    it left out (links, pipes and devices, folders it could not list)."""

    files: dict[str, Path] = field(default_factory=dict)
    links: list[Path] = field(default_factory=list)
    special: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def regular_files(folder: Path) -> FolderFiles:
    """Every regular file under `folder`, depth first in sorted order, found with `lstat` only:
    no link is followed, not even to find out what it points at. A `folder` that is itself a
    link is left out whole."""
    found = FolderFiles()
    _walk(folder, "", found)
    return found


def _walk(folder: Path, prefix: str, found: FolderFiles) -> None:
    try:
        status = os.lstat(folder)
    except OSError:
        return
    if stat.S_ISLNK(status.st_mode):
        found.links.append(folder)
        return
    if not stat.S_ISDIR(status.st_mode):
        return
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        found.unreadable.append((folder, exc.strerror or str(exc)))
        return
    for entry in entries:
        path, name = folder / entry.name, f"{prefix}{entry.name}"
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue  # gone since the folder was listed
        if stat.S_ISDIR(mode):
            _walk(path, f"{name}/", found)
        elif stat.S_ISREG(mode):
            found.files[name] = path
        elif stat.S_ISLNK(mode):
            found.links.append(path)
        else:
            found.special.append(path)


def read_regular_file(path: str | Path) -> bytes:
    """A file's bytes, never through a link (a file swapped for one after it was listed) and
    never from a pipe or a device, which could block or never end."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with os.fdopen(os.open(path, flags), "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(f"not a regular file: {path}")
        return stream.read()
