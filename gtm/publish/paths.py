"""Every path gtm writes, deletes or serves, checked in one place: inside the output folder, no
`..`, and no symbolic link anywhere on the way; and the manifest that says which files of the
output folder are gtm's own."""

from __future__ import annotations

import json
import os
import stat
from functools import lru_cache
from pathlib import Path

from gtm.content.project import is_within
from gtm.errors import ProjectError

MANIFEST = ".gtm-manifest.json"


class UnsafeOutputPath(ProjectError):
    """A path gtm will not write, delete or serve: it leads out of the output folder or
    through a symbolic link (exit 2)."""


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
    return inspect_path(output_dir, name, folders)[0]


def inspect_path(
    output_dir: Path, name: str, folders: set[str] | None = None
) -> tuple[Path, os.stat_result | None]:
    """`safe_output_path`, and what is at the path now (None: nothing), for callers that need
    both without asking the file system twice."""
    check_name(name)
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
            raise linked_path(output_dir, folder)
        known.add(folder)
    status = path_status(path)
    if status is not None and stat.S_ISLNK(status.st_mode):
        raise linked_path(output_dir, name)
    return Path(path), status


def path_status(path: str) -> os.stat_result | None:
    """What is at `path` itself, a link not followed; None: nothing."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _mode(path: str) -> int | None:
    status = path_status(path)
    return None if status is None else status.st_mode


def linked_path(output_dir: Path, name: str) -> UnsafeOutputPath:
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


def check_name(name: str) -> None:
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
