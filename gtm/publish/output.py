"""The only module that writes the output folder. A build is written whole into a staging
folder beside it and swapped in at once, so readers see the old site or the new one, never a
mix; a manifest records what gtm wrote, so it never deletes a file somebody else put there."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gtm.content.project import is_within
from gtm.errors import ProjectError

try:
    import fcntl
except ImportError:  # Windows: the lock is a file created exclusively instead
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".gtm-manifest.json"
LOCK_WAIT = 120.0
"""Seconds a build waits for another gtm process to finish writing the same output folder
before it gives up with exit 2: publishing takes seconds, so a longer wait means a stuck one."""
_POLL = 0.05
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

Waiting = Callable[[str], None]
"""Told, once, that the output folder is busy and what is being waited for, for the terminal."""


class UnsafeOutputPath(ProjectError):
    """A path gtm will not write, delete or serve: it leads out of the output folder or
    through a symbolic link (exit 2)."""


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
    if is_within(out, content):
        raise ProjectError(
            "the output folder cannot be inside the content folder: every build would publish "
            "the last one again; choose a folder outside it, such as output"
        )
    if not allow_outside and not is_within(out, top):
        raise ProjectError(
            f"the output folder {out} is outside the project; "
            "pass --allow-outside-output if that is what you want"
        )


def safe_output_path(output_dir: Path, name: str, folders: set[str] | None = None) -> Path:
    """The path of `name` inside the output folder, checked the one way every file gtm writes,
    deletes or serves is: a relative path without `..`, `.`, empty parts, NUL or backslash,
    and no symbolic link on the way, neither a folder between it and the output folder nor the
    file itself. `folders` remembers the folders already found real within one operation."""
    return _inspect(output_dir, name, folders)[0]


def _inspect(
    output_dir: Path, name: str, folders: set[str] | None = None
) -> tuple[Path, os.stat_result | None]:
    """`safe_output_path`, and what is at the path now (None: nothing), for callers that need
    both without asking the file system twice."""
    _check_name(name)
    base = os.fspath(output_dir)
    parts = name.split("/")
    path = os.path.join(base, *parts)
    known = folders if folders is not None else set()
    for end in range(1, len(parts)):
        folder = "/".join(parts[:end])
        if folder in known:
            continue
        mode = _mode(os.path.join(base, *parts[:end]))
        if mode is None or not (stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            return Path(path), None  # nothing yet, or a file where a folder should be
        if stat.S_ISLNK(mode):
            raise _linked(output_dir, folder)
        known.add(folder)
    status = _status(path)
    if status is not None and stat.S_ISLNK(status.st_mode):
        raise _linked(output_dir, name)
    return Path(path), status


def _status(path: str) -> os.stat_result | None:
    """What is at `path` itself, a link not followed; None: nothing."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _mode(path: str) -> int | None:
    status = _status(path)
    return None if status is None else status.st_mode


def _linked(output_dir: Path, name: str) -> UnsafeOutputPath:
    return UnsafeOutputPath(
        f"{output_dir.name}/{name} is a symbolic link, and gtm never writes, deletes or serves "
        "anything through one: nothing was changed; remove the link and try again"
    )


@lru_cache(maxsize=65_536)
def _name_problem(name: str) -> str | None:
    if not name or "\0" in name or "\\" in name:
        return "it is empty or holds a NUL or a backslash"
    if name.startswith("/") or (os.name == "nt" and ":" in name):
        return "it is an absolute path"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "it has an empty, '.' or '..' part"
    return None


def _check_name(name: str) -> None:
    problem = _name_problem(name)
    if problem is not None:
        raise UnsafeOutputPath(f"refusing '{name}' in the output folder: {problem}")


def read_manifest(output_dir: Path) -> set[str]:
    """The files gtm wrote into the output folder. A manifest naming a path that fails the
    check is not gtm's (gtm never writes one), so it vouches for nothing and nothing it names
    is ever deleted."""
    try:
        data = json.loads((output_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("generator") != "gtm":
        return set()
    files = data.get("files")
    if not isinstance(files, list):
        return set()
    if not all(isinstance(f, str) and f != MANIFEST and _name_problem(f) is None for f in files):
        return set()
    return set(files)


@contextmanager
def output_lock(output_dir: Path, waiting: Waiting | None = None) -> Iterator[None]:
    """One gtm process at a time writes an output folder (`gtm build` publishing, `gtm serve`
    updating): a lock file beside it holds the writer's pid. Another writer waits for it, says
    so through `waiting`, and gives up with exit 2 after `LOCK_WAIT` seconds."""
    lock = output_dir.with_name(f".{output_dir.name}.lock")
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(lock, output_dir, waiting)
    except OSError as exc:
        raise ProjectError(
            f"cannot write {output_dir.name}/: {exc.strerror or exc}; the previous output is "
            "as it was"
        ) from None
    try:
        yield
    finally:
        _release(lock, fd)


def _acquire(lock: Path, output_dir: Path, waiting: Waiting | None) -> int:
    """Polls for the lock until `LOCK_WAIT` runs out; returns the descriptor that holds it."""
    deadline = time.monotonic() + LOCK_WAIT
    told = False
    while True:
        fd = _try_lock(lock)
        if fd is not None:
            return fd
        holder = _holder(lock)
        who = f"another gtm build of {output_dir.name}/" + (f" (pid {holder})" if holder else "")
        if time.monotonic() >= deadline:
            raise ProjectError(
                f"gave up after waiting {LOCK_WAIT:.0f} s for {who} to finish: if it is stuck, "
                "stop it, then build again"
            )
        if not told and waiting is not None:
            waiting(f"waiting for {who} to finish")
            told = True
        time.sleep(_POLL)


def _try_lock(lock: Path) -> int | None:
    """The lock, taken and stamped with this process's pid, or None while another holds it."""
    if fcntl is None:
        return _try_exclusive(lock)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | _NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    try:
        # The last holder removes the file as it lets go: a lock on that removed file is none.
        current = os.stat(lock, follow_symlinks=False)
        mine = os.fstat(fd)
    except FileNotFoundError:
        os.close(fd)
        return None
    if (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino):
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _try_exclusive(lock: Path) -> int | None:
    """Without fcntl: the lock is the file itself, created only if absent. A lock whose
    process is gone (or that never got a pid, after a minute) is taken away."""
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o644)
    except FileExistsError:
        holder = _holder(lock)
        try:
            age = time.time() - os.stat(lock).st_mtime
        except FileNotFoundError:
            return None
        stale = (holder is not None and not _alive(holder)) or (holder is None and age > 60)
        if stale and _holder(lock) == holder:  # read again: another may have just taken it
            lock.unlink(missing_ok=True)
        return None
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _release(lock: Path, fd: int) -> None:
    """Removes the lock file, with flock while still holding it, so no process is left
    locking a file that a newcomer has already replaced (Windows removes no open file)."""
    if fcntl is None:
        os.close(fd)
    with suppress(OSError):  # a lock file left behind only costs the next writer an open
        lock.unlink(missing_ok=True)
    if fcntl is not None:
        os.close(fd)


def _holder(lock: Path) -> int | None:
    try:
        fd = os.open(lock, os.O_RDONLY | _NOFOLLOW | _BINARY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    finally:
        os.close(fd)
    return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs. A new process under the pid of a gone one counts as
    running: what the gone one left waits for a later build, which is safe."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(ctypes.get_last_error() == 5)  # ERROR_ACCESS_DENIED: it exists
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _aside(output_dir: Path, role: str) -> Path:
    """A folder name beside the output folder that is this process's alone, and says whose."""
    return output_dir.with_name(f".{output_dir.name}.{role}-{os.getpid()}-{secrets.token_hex(4)}")


def _tidy(output_dir: Path) -> None:
    """Under the lock: puts back an output folder that a build killed between the two renames
    of the fallback swap left aside, and removes the staging and set-aside folders of gtm
    processes that are gone (this one's included: it holds the lock, so they are not in use).
    Only real folders named the way gtm names them are touched."""
    pattern = re.compile(
        rf"\.{re.escape(output_dir.name)}\.(?P<role>staging|old)(?:-(?P<pid>\d+)-[0-9a-f]{{8}})?"
    )
    found: list[tuple[int, str, Path]] = []
    with os.scandir(output_dir.parent) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match is None or not entry.is_dir(follow_symlinks=False):
                continue
            pid = match["pid"]
            if pid is not None and int(pid) != os.getpid() and _alive(int(pid)):
                continue
            with suppress(OSError):
                mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                found.append((mtime, match["role"], Path(entry.path)))
    found.sort()
    aside = [path for _, role, path in found if role == "old"]
    restored = None
    if aside and not os.path.lexists(output_dir):
        restored = aside[-1]
        os.rename(restored, output_dir)
    for _, _, path in found:
        if path != restored:
            shutil.rmtree(path, ignore_errors=True)


def publish(
    output_dir: Path, files: Mapping[str, bytes], waiting: Waiting | None = None
) -> Published:
    """Replaces the output folder with exactly `files` (plus others' files, kept as they were),
    one gtm process at a time (`output_lock`)."""
    for name in files:
        _check_writable(name)
    with output_lock(output_dir, waiting):
        try:
            _tidy(output_dir)
        except OSError as exc:
            raise ProjectError(
                f"cannot write {output_dir.name}/: {exc.strerror or exc}; the previous output "
                "is as it was"
            ) from None
        staging = _aside(output_dir, "staging")
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
    _check_name(name)
    if name == MANIFEST:
        raise UnsafeOutputPath(f"refusing to write '{name}': it is gtm's manifest")


def _stage_and_swap(output_dir: Path, staging: Path, files: Mapping[str, bytes]) -> tuple[str, ...]:
    staging.mkdir()
    ours = read_manifest(output_dir) if output_dir.is_dir() else set()
    staged: set[str] = set()
    old_folders: set[str] = set()
    made: set[Path] = set()
    for name, data in sorted(files.items()):
        target = safe_output_path(staging, name, staged)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if name in ours and _link_unchanged(output_dir, name, old_folders, target, data):
            continue
        target.write_bytes(data)
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
        old, status = _inspect(output_dir, name, folders)
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
    old = _aside(output_dir, "old")
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
        _tidy(output_dir)
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
            status = _status(os.path.join(base, name))
            if status is not None and stat.S_ISREG(status.st_mode):
                continue
        target, status = _inspect(output_dir, name, folders)
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
    gone = [_inspect(output_dir, name, folders) for name in removed]
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
        raise _linked(output_dir, temporary.relative_to(output_dir).as_posix())
    with open(os.open(temporary, flags, 0o666), "wb") as stream:
        stream.write(data)
    os.replace(temporary, target)
