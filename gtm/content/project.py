"""Finds the project and turns flags, config and environment into run options. The only module
that reads the clock or the environment, so every other stage is a pure function of its inputs."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from gtm.cache import BuildCache
from gtm.content.config import CONFIG_FILE, Config, load_config
from gtm.errors import ProjectError

CACHE_ENV = "GTM_CACHE_DIR"
"""Names the folder that holds gtm's caches, one folder per project (CI points it at the
folder it keeps between runs); `--cache-dir` wins over it."""

Audience = Literal["internal", "public"]


@dataclass(frozen=True)
class Project:
    """Where the project lives and how it is configured."""

    root: Path
    config: Config
    cache_root: Path | None = None
    """The folder that holds gtm's caches, one folder per project: `--cache-dir`, else
    GTM_CACHE_DIR, else the user's cache folder (`open_project` fills it in)."""

    @property
    def content_dir(self) -> Path:
        return self.root / self.config.build.content_dir

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.build.output_dir

    @property
    def cache_dir(self) -> Path:
        """This project's own cache folder, outside the project, where a checkout cannot plant
        files: keyed by digests, never served, never executed, and safe to delete at any time."""
        return (self.cache_root or cache_root(None)[0]) / cache_folder_name(self.root)

    @property
    def cache(self) -> BuildCache:
        return BuildCache(self.cache_dir)

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
    authoring: bool = False
    """`gtm serve`: pages also show what only an author needs (the file to fix, what to add)."""


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


def open_project(directory: Path | None, cache_dir: Path | None = None) -> Project:
    """Finds and configures the project; a broken gtm.toml stops the run with its diagnostics.
    `cache_dir` is the folder `--cache-dir` named, which holds one cache folder per project."""
    if directory is not None and not directory.is_dir():
        raise ProjectError(f"--project: '{directory}' is not a folder")
    root = find_root(directory or Path.cwd())
    config, problems = load_config(root / CONFIG_FILE)
    if problems:
        raise ProjectError(f"{CONFIG_FILE} has errors", problems)
    caches, named_by = cache_root(cache_dir)
    project = Project(root, config, caches)
    if not is_within(project.content_dir, root):
        raise ProjectError(
            f"build.content_dir '{config.build.content_dir}' is outside the project: "
            "gtm reads content only from inside the project folder"
        )
    if is_within(project.cache_dir, root):
        raise ProjectError(
            f"{named_by} '{caches}' is inside the project: gtm keeps its cache outside the "
            f"project, where a checkout cannot put files; name a folder outside {root} with "
            f"--cache-dir or {CACHE_ENV}"
        )
    return project


def cache_root(option: Path | None) -> tuple[Path, str]:
    """The folder that holds gtm's caches, one folder per project, and what named it: the
    `--cache-dir` option, else GTM_CACHE_DIR, else the user's cache folder of this system."""
    if option is not None:
        return Path(os.path.abspath(option)), "--cache-dir"
    variable = os.environ.get(CACHE_ENV, "").strip()
    if variable:
        return Path(os.path.abspath(variable)), CACHE_ENV
    try:
        if sys.platform == "win32":
            local = os.environ.get("LOCALAPPDATA", "")
            base = Path(local) if local else Path.home() / "AppData" / "Local"
            return base / "gtm" / "Cache", "the cache folder"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "gtm", "the cache folder"
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):  # the XDG spec says a relative path is to be ignored
            return Path(xdg) / "gtm", "the cache folder (from XDG_CACHE_HOME)"
        return Path.home() / ".cache" / "gtm", "the cache folder"
    except RuntimeError:  # no HOME and no entry in the user database
        raise ProjectError(
            f"gtm cannot tell where your home folder is, to keep its cache there: set "
            f"{CACHE_ENV} or pass --cache-dir"
        ) from None


def cache_folder_name(root: Path) -> str:
    """One project's folder among the caches: a digest of its full path, so two projects
    never share one, after a readable part of its folder name."""
    resolved = root.resolve()
    digest = hashlib.sha256(os.fsencode(str(resolved))).hexdigest()[:12]
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", resolved.name).strip("-")[:40]
    return f"{readable or 'project'}-{digest}"


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
