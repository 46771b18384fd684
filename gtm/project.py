"""Finds the project and turns flags, config and environment into run options. The only module
that reads the clock or the environment, so every other stage is a pure function of its inputs."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, TextIO

from gtm.config import CONFIG_FILE, Config, load_config
from gtm.errors import ProjectError

CACHE_DIR = ".gtm-cache"

Audience = Literal["internal", "public"]


@dataclass(frozen=True)
class Project:
    """Where the project lives and how it is configured."""

    root: Path
    config: Config

    @property
    def content_dir(self) -> Path:
        return self.root / self.config.build.content_dir

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.build.output_dir

    @property
    def cache_dir(self) -> Path:
        """Digest-keyed caches (compiled templates, PDFs): git-ignored, never served, and safe
        to delete at any time."""
        return self.root / CACHE_DIR

    def cache_key(self) -> str:
        """What a cache file of this project must have been written under: this program (its
        code and the libraries that shape its output) and this very cache folder (its device
        and inode), so a cache file that arrived with a checkout, rather than being written
        here, is never trusted."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            folder = self.cache_dir.stat()
        except OSError:
            return ""
        return f"{program_digest()}:{folder.st_dev}:{folder.st_ino}"

    def read_cache(self, name: str) -> Any:
        """The payload of a JSON cache file, or None when it is missing, unreadable or was not
        written by this program in this folder."""
        if not self.cache_dir.is_dir():
            return None
        key = self.cache_key()
        try:
            stored = json.loads((self.cache_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not key or not isinstance(stored, dict) or stored.get("key") != key:
            return None
        return stored.get("payload")

    def write_cache(self, name: str, payload: Any) -> None:
        """Replaces a JSON cache file whole; a cache that cannot be written is simply not kept."""
        key = self.cache_key()
        if not key:
            return
        path = self.cache_dir / name
        temporary = path.with_name(f".{name}.tmp")
        try:
            with temporary.open("w", encoding="utf-8") as stream:
                stream.write(f'{{"key": {json.dumps(key)}, "payload": ')
                _write_json(stream, payload)
                stream.write("}")
            os.replace(temporary, path)
        except (OSError, ValueError, TypeError):
            temporary.unlink(missing_ok=True)

    def relative(self, path: Path) -> str:
        """The project-relative POSIX path that diagnostics print."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass(frozen=True)
class RunOptions:
    """Everything a run depends on besides the files: flags and config combined, and today."""

    today: date
    audience: Audience = "internal"
    drafts: bool = False
    strict: bool = False
    pdf: bool = True
    jobs: int = 1
    stamp: datetime | None = None
    """The build's timestamp for PDF metadata: SOURCE_DATE_EPOCH, else the start of today."""


def _write_json(stream: TextIO, payload: Any) -> None:
    """A mapping, or an iterator of (name, value) pairs made as they are written, is written
    entry by entry as an object, and so are the mappings and iterators in it, so a large cache
    never sits in memory twice, once as data and once as text."""
    if isinstance(payload, dict):
        payload = iter(payload.items())
    if not isinstance(payload, Iterator):
        stream.write(json.dumps(payload))
        return
    stream.write("{")
    for index, (name, value) in enumerate(payload):
        stream.write(f"{', ' if index else ''}{json.dumps(str(name))}: ")
        _write_json(stream, value)
    stream.write("}")


def find_root(start: Path) -> Path:
    """The nearest folder upwards from `start` that holds gtm.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ProjectError(
        f"no {CONFIG_FILE} in {start} or any folder above it "
        "(run 'gtm init' to start a project, or pass --project DIR)"
    )


def open_project(directory: Path | None) -> Project:
    """Finds and configures the project; a broken gtm.toml stops the run with its diagnostics."""
    if directory is not None and not directory.is_dir():
        raise ProjectError(f"--project: '{directory}' is not a folder")
    root = find_root(directory or Path.cwd())
    config, problems = load_config(root / CONFIG_FILE)
    if problems:
        raise ProjectError(f"{CONFIG_FILE} has errors", problems)
    project = Project(root, config)
    if not is_within(project.content_dir, root):
        raise ProjectError(
            f"build.content_dir '{config.build.content_dir}' is outside the project: "
            "gtm reads content only from inside the project folder"
        )
    return project


def is_within(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def today() -> date:
    """Today, from SOURCE_DATE_EPOCH when set (reproducible builds), else the clock, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or epoch.strip() == "":
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise ProjectError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'"
        ) from None


def source_date_epoch() -> int | None:
    """The SOURCE_DATE_EPOCH in force, for the timestamps that outputs carry."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else None


def run_options(
    project: Project,
    *,
    audience: Audience | None = None,
    drafts: bool = False,
    strict: bool = False,
    pdf: bool | None = None,
    jobs: int | None = None,
) -> RunOptions:
    """Flags win over gtm.toml, which wins over the defaults."""
    return RunOptions(
        today=today(),
        audience=audience or project.config.build.audience,
        drafts=drafts,
        strict=strict,
        pdf=project.config.pdf.enabled if pdf is None else pdf,
        jobs=jobs or os.cpu_count() or 1,
        stamp=_stamp(),
    )


def _stamp() -> datetime:
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC)
    return datetime.combine(today(), datetime.min.time(), UTC)


def use_color(stream: object = sys.stdout) -> bool:
    """Colour only on a terminal and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


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


@cache
def program_digest() -> str:
    """A digest of gtm's own code and the versions of the libraries that shape its pages."""
    digest = hashlib.sha256()
    for name in ("jinja2", "markdown-it-py", "mdit-py-plugins", "markupsafe"):
        digest.update(f"{name}={_version(name)}\0".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"
