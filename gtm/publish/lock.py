"""One build at a time per output folder: a lock file beside it that holds the pid of the build
that publishes (the kernel lets go of it when that process dies), and the folders a dead build
left beside the output folder, cleaned up under the lock."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from gtm.errors import ProjectError

try:
    import fcntl
except ImportError:  # Windows: the lock is a file created exclusively instead
    fcntl = None  # type: ignore[assignment]  # None: this platform has no fcntl

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


LOCK_WAIT = 120.0
"""Seconds a build waits for another gtm process to finish writing the same output folder
before it gives up with exit 2: publishing takes seconds, so a longer wait means a stuck one."""


_POLL = 0.05


Waiting = Callable[[str], None]
"""Told, once, that the output folder is busy and what is being waited for, for the terminal."""


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


def aside_folder(output_dir: Path, role: str) -> Path:
    """A folder name beside the output folder that is this process's alone, and says whose."""
    return output_dir.with_name(f".{output_dir.name}.{role}-{os.getpid()}-{secrets.token_hex(4)}")


def tidy_leftovers(output_dir: Path) -> None:
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
