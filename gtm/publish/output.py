"""The only module that writes the output folder. A build is written whole into a staging
folder beside it and swapped in at once, so readers see the old site or the new one, never a
mix; a manifest records what gtm wrote, so it never deletes a file somebody else put there."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gtm.errors import ProjectError
from gtm.publish.lock import Waiting, aside_folder, output_lock, tidy_leftovers
from gtm.publish.paths import (
    MANIFEST,
    UnsafeOutputPath,
    check_name,
    inspect_path,
    linked_path,
    path_status,
    read_manifest,
    safe_output_path,
)
from gtm.spool import SpooledFiles

try:
    import fcntl
except ImportError:  # Windows: the lock is a file created exclusively instead
    fcntl = None  # type: ignore[assignment]  # None: this platform has no fcntl

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Published:
    """What a publish did: files written, and files of others carried over untouched."""

    written: int
    kept: tuple[str, ...]


def publish(
    output_dir: Path, files: Mapping[str, bytes], waiting: Waiting | None = None
) -> Published:
    """Replaces the output folder with exactly `files` (plus others' files, kept as they were),
    one gtm process at a time (`output_lock`)."""
    for name in files:
        _check_writable(name)
    with output_lock(output_dir, waiting):
        try:
            tidy_leftovers(output_dir)
        except OSError as exc:
            raise ProjectError(
                f"cannot write {output_dir.name}/: {exc.strerror or exc}; the previous output "
                "is as it was"
            ) from None
        staging = aside_folder(output_dir, "staging")
        try:
            kept = _stage_and_swap(output_dir, staging, files)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ProjectError(
                f"cannot write {output_dir.name}/: {exc.strerror or exc}; the previous output "
                "is as it was"
            ) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(staging, ignore_errors=True)
    return Published(len(files), kept)


def _check_writable(name: str) -> None:
    check_name(name)
    if name == MANIFEST:
        raise UnsafeOutputPath(f"refusing to write '{name}': it is gtm's manifest")


def _stage_and_swap(output_dir: Path, staging: Path, files: Mapping[str, bytes]) -> tuple[str, ...]:
    staging.mkdir()
    ours = read_manifest(output_dir) if output_dir.is_dir() else set()
    staged: set[str] = set()
    old_folders: set[str] = set()
    made: set[Path] = set()
    spool = files if isinstance(files, SpooledFiles) else None
    for name in sorted(files):
        target = safe_output_path(staging, name, staged)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if name in ours and _link_unchanged(output_dir, name, old_folders, target, files[name]):
            continue
        if spool is None or not spool.copy_to(name, target):
            target.write_bytes(files[name])
    kept = _carry_over(output_dir, staging, set(files), ours)
    manifest = {"generator": "gtm", "files": sorted(files)}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    _swap(staging, output_dir)
    return kept


def _link_unchanged(
    output_dir: Path, name: str, folders: set[str], target: Path, data: bytes
) -> bool:
    """Hard-links a file the last build wrote with the same bytes instead of writing it again:
    a rebuild after a small change then writes and deletes only what changed, and an unchanged
    file keeps its modification time for the web server's caching."""
    try:
        old, status = inspect_path(output_dir, name, folders)
        if status is None or not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        if old.read_bytes() != data:
            return False
        os.link(old, target, follow_symlinks=False)
    except (OSError, UnsafeOutputPath):
        return False
    return True


def _carry_over(output_dir: Path, staging: Path, new: set[str], ours: set[str]) -> tuple[str, ...]:
    """Copies files gtm did not write into the new output, refusing to overwrite any of them
    (or to put one where gtm writes a folder, or inside what gtm writes as a file)."""
    if not output_dir.is_dir():
        return ()
    kept = []
    for name in _files_under(output_dir):
        if name in ours or name == MANIFEST:
            continue
        path = output_dir / name
        target = staging / name
        parts = name.split("/")
        folders = ("/".join(parts[:end]) for end in range(1, len(parts)))
        if name in new or os.path.lexists(target) or any(f in new for f in folders):
            raise ProjectError(
                f"{output_dir.name}/{name} was not written by gtm and would be replaced: "
                "move it away or choose another output folder"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target, follow_symlinks=False)
        kept.append(name)
    return tuple(kept)


def _files_under(folder: Path) -> list[str]:
    """Every file and link under `folder` by relative POSIX path, in path order; a link to a
    folder is a file here, never followed."""
    found: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        with os.scandir(folder / prefix) as entries:
            for entry in entries:
                name = f"{prefix}/{entry.name}" if prefix else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(name)
                else:
                    found.append(name)
    return sorted(found, key=lambda name: name.split("/"))


def _swap(staging: Path, output_dir: Path) -> None:
    """Exchanges the two folders in one step where the system can, else in two quick renames
    (the old folder set aside under a name `_tidy` recognises if the build dies between)."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        return
    old = aside_folder(output_dir, "old")
    os.rename(output_dir, old)
    try:
        os.rename(staging, output_dir)
    except OSError:
        os.rename(old, output_dir)
        raise
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): both names swap atomically."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        renameat2 = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@dataclass(frozen=True)
class Updated:
    """What an in-place update did: files whose bytes changed, and files gtm no longer makes."""

    written: tuple[str, ...]
    removed: tuple[str, ...]


def update(
    output_dir: Path,
    files: Mapping[str, bytes],
    previous: Mapping[str, bytes] | None = None,
    waiting: Waiting | None = None,
) -> Updated:
    """Brings the output folder to `files` by writing only what changed, each file replaced
    whole (`gtm serve`: a reader gets the old file or the new one, never half of one), under
    the same lock as `publish`. `previous`, what the last update wrote, spares reading
    unchanged files back."""
    for name in files:
        _check_writable(name)
    with output_lock(output_dir, waiting):
        tidy_leftovers(output_dir)
        return _update(output_dir, files, previous)


def _update(
    output_dir: Path, files: Mapping[str, bytes], previous: Mapping[str, bytes] | None
) -> Updated:
    """Every path written or deleted is checked before anything is, so a refusal changes
    nothing; a file still as `previous` left it is only looked at."""
    ours = read_manifest(output_dir) if output_dir.is_dir() else set()
    base = os.fspath(output_dir)
    folders: set[str] = set()
    changed = []
    for name, data in sorted(files.items()):
        if previous is not None and previous.get(name) == data and name in ours:
            status = path_status(os.path.join(base, name))
            if status is not None and stat.S_ISREG(status.st_mode):
                continue
        target, status = inspect_path(output_dir, name, folders)
        if status is not None and name not in ours:
            raise ProjectError(
                f"{output_dir.name}/{name} was not written by gtm and would be replaced: "
                "move it away or choose another output folder"
            )
        same = status is not None and stat.S_ISREG(status.st_mode) and status.st_size == len(data)
        if same and target.read_bytes() == data:
            continue
        changed.append((name, target))
    removed = sorted(ours - set(files))
    gone = [inspect_path(output_dir, name, folders) for name in removed]
    for name, target in changed:
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(output_dir, target, files[name])
    for target, status in gone:
        if status is not None and stat.S_ISREG(status.st_mode):
            target.unlink(missing_ok=True)
    manifest = {"generator": "gtm", "files": sorted(files)}
    _replace(output_dir, output_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return Updated(tuple(name for name, _ in changed), tuple(removed))


def _replace(output_dir: Path, target: Path, data: bytes) -> None:
    """Writes a file whole beside `target` and renames it over: the temporary file is opened
    without following a link, so one planted under its name is never written through."""
    temporary = target.with_name(f".{target.name}.gtm-tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW | _BINARY
    if os.path.islink(temporary):
        raise linked_path(output_dir, temporary.relative_to(output_dir).as_posix())
    with open(os.open(temporary, flags, 0o666), "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)
