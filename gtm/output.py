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
from functools import lru_cache
from pathlib import Path

from gtm.errors import ProjectError
from gtm.project import is_within

MANIFEST = ".gtm-manifest.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Published:
    """What a publish did: files written, and files of others carried over untouched."""

    written: int
    kept: tuple[str, ...]


def check_output_dir(
    root: Path, output_dir: Path, content_dir: Path, allow_outside: bool = False
) -> None:
    """Refuses an output folder that would put the project at risk (cli.md, Guarantees)."""
    out, top, content = output_dir.resolve(), root.resolve(), content_dir.resolve()
    if out == top:
        raise ProjectError("the output folder cannot be the project folder itself")
    if content == out or is_within(content, out):
        raise ProjectError("the output folder cannot contain the content folder")
    if not allow_outside and not is_within(out, top):
        raise ProjectError(
            f"the output folder {out} is outside the project; "
            "pass --allow-outside-output if that is what you want"
        )


def read_manifest(output_dir: Path) -> set[str]:
    try:
        data = json.loads((output_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files", []) if isinstance(data, dict) else []
    return {f for f in files if isinstance(f, str)}


def publish(output_dir: Path, files: Mapping[str, bytes]) -> Published:
    """Replaces the output folder with exactly `files` (plus others' files, kept as they were)."""
    for name in files:
        _check_name(name)
    _recover(output_dir)
    staging = output_dir.with_name(f".{output_dir.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        kept = _stage_and_swap(output_dir, staging, files)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ProjectError(
            f"cannot write {output_dir.name}/: {exc.strerror or exc}; the previous output is "
            "as it was"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return Published(len(files), kept)


def _recover(output_dir: Path) -> None:
    """Puts back an output folder that a build killed between the two renames of the
    fallback swap left aside."""
    old = output_dir.with_name(f".{output_dir.name}.old")
    if not output_dir.exists() and old.is_dir():
        os.rename(old, output_dir)


def _stage_and_swap(output_dir: Path, staging: Path, files: Mapping[str, bytes]) -> tuple[str, ...]:
    ours = read_manifest(output_dir) if output_dir.is_dir() else set()
    folders: set[Path] = set()
    for name, data in sorted(files.items()):
        target = staging / name
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if name in ours and _link_unchanged(output_dir / name, target, data):
            continue
        target.write_bytes(data)
    kept = _carry_over(output_dir, staging, set(files), ours)
    manifest = {"generator": "gtm", "files": sorted(files)}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    _swap(staging, output_dir)
    return kept


@lru_cache(maxsize=65_536)
def _check_name(name: str) -> None:
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or ".." in parts or not parts or name == MANIFEST:
        raise ValueError(f"refusing to write '{name}' outside the output folder")


def _link_unchanged(old: Path, target: Path, data: bytes) -> bool:
    """Hard-links a file the last build wrote with the same bytes instead of writing it again:
    a rebuild after a small change then writes and deletes only what changed, and an unchanged
    file keeps its modification time for the web server's caching."""
    try:
        status = old.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        if old.read_bytes() != data:
            return False
        os.link(old, target, follow_symlinks=False)
    except OSError:
        return False
    return True


def _carry_over(output_dir: Path, staging: Path, new: set[str], ours: set[str]) -> tuple[str, ...]:
    """Copies files gtm did not write into the new output, refusing to overwrite any of them."""
    if not output_dir.is_dir():
        return ()
    kept = []
    for name in _files_under(output_dir):
        if name in ours or name == MANIFEST:
            continue
        path = output_dir / name
        if name in new:
            raise ProjectError(
                f"{output_dir.name}/{name} was not written by gtm and would be replaced: "
                "move it away or choose another output folder"
            )
        target = staging / name
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
    """Exchanges the two folders in one step where the system can, else in two quick renames."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        return
    old = output_dir.with_name(f".{output_dir.name}.old")
    if old.exists():
        shutil.rmtree(old)
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
    output_dir: Path, files: Mapping[str, bytes], previous: Mapping[str, bytes] | None = None
) -> Updated:
    """Brings the output folder to `files` by writing only what changed, each file replaced
    whole (`gtm serve`: a reader gets the old file or the new one, never half of one).
    `previous`, what the last update wrote, spares reading unchanged files back."""
    for name in files:
        _check_name(name)
    ours = read_manifest(output_dir) if output_dir.is_dir() else set()
    for name in files:
        if name not in ours and (output_dir / name).exists():
            raise ProjectError(
                f"{output_dir.name}/{name} was not written by gtm and would be replaced: "
                "move it away or choose another output folder"
            )
    written = []
    base = str(output_dir)
    for name, data in sorted(files.items()):
        where = os.path.join(base, name)
        if previous is not None and previous.get(name) == data and os.path.isfile(where):
            continue
        target = Path(where)
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, data)
        written.append(name)
    removed = sorted(ours - set(files))
    for name in removed:
        (output_dir / name).unlink(missing_ok=True)
    manifest = {"generator": "gtm", "files": sorted(files)}
    _replace(output_dir / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return Updated(tuple(written), tuple(removed))


def _replace(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.gtm-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
