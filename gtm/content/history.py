"""What changed in each content file, read from the project's committed git history: find the
repository, list the commits that touched the content folder, follow each file of HEAD back
through its renames, and name the top-level fields each commit changed. A constant few git
processes whatever the size of the history, and a cache keyed by HEAD, so a build pays once."""

from __future__ import annotations

import datetime
import os
import posixpath
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from gtm.cache import BuildCache
from gtm.content import gitlog, revisions
from gtm.content.kinds import KINDS
from gtm.content.reading import CONTENT_SUFFIXES, is_ignored
from gtm.content.yamldoc import parse_yaml
from gtm.workers import InBackground

State = Literal["complete", "shallow", "no-git", "no-repository", "error"]

NOTES: Mapping[str, str] = MappingProxyType(
    {
        "shallow": "history is partial: this is a shallow clone"
        " (fetch with fetch-depth: 0 for all of it)",
        "no-git": "no history: git is not installed",
        "no-repository": "no history: the project is not in a git repository",
    }
)
"""The line for the user when the history is partial or missing."""

STATES: Mapping[str, State] = MappingProxyType({"complete": "complete", "shallow": "shallow"})
CACHE_FILE = "history.json"
CACHE_FORMAT = 2


class Revision(NamedTuple):
    """One commit's change to one file, with the top-level fields whose values it changed. A
    named tuple: a long history holds tens of thousands, made again from the cache each build."""

    commit: str
    timestamp: int
    subject: str
    author: str
    path: str
    change: revisions.Change
    fields: tuple[str, ...]
    """In file order, then removed fields; "text" for the Markdown body (a `.md` file's, or a
    YAML `body:`). () for an addition, a deletion, a rename without edits, and a modification
    whose versions could not be read (over 1 MiB)."""

    @property
    def date(self) -> datetime.date:
        return datetime.datetime.fromtimestamp(self.timestamp, datetime.UTC).date()


@dataclass(frozen=True, slots=True)
class FileHistory:
    """The history of one file HEAD holds, by its current path, its renames followed."""

    path: str
    revisions: tuple[Revision, ...]
    """Newest first, at most the limit asked for. A modification that changes no value (a
    comment, a reflowed folded text, blank lines) is not one."""
    created: int | None
    """When it was first added; None when the history (a shallow clone's) stops before."""
    updated: int
    """The last commit that touched it, one that changed no field included."""


@dataclass(frozen=True, slots=True)
class Removed:
    """A content file deleted in a commit (or moved out of the kind folders) and not brought
    back at its path since."""

    path: str
    commit: str
    timestamp: int
    subject: str
    author: str
    draft: bool = False
    """Whether its last version said `status: draft`."""


@dataclass(frozen=True)
class History:
    """The files of HEAD that the history touched, by current path (sorted), and the removed
    ones, newest first; `note` says why when the history is partial or missing."""

    state: State
    files: Mapping[str, FileHistory]
    removed: tuple[Removed, ...]
    head: str | None
    note: str | None


def read_history(
    root: Path, content_dir: Path, limit: int = 20, cache: BuildCache | None = None
) -> History:
    """The committed history (HEAD, never the working tree) of the project's content files;
    never raises: without git or a repository, the state and the note say so."""
    limit = max(limit, 0)
    try:
        repository = gitlog.locate(root)
        folder = content_folder(repository, content_dir)
        if folder is None:
            return _missing("no-repository")
        if repository.head is None:
            return History("complete", {}, (), None, None)
        stored = _cached(cache, folder, limit)
        state = "shallow" if repository.shallow else "complete"
        if stored is not None and (stored.head, stored.state) == (repository.head, state):
            return stored
        history = _read(repository, folder, limit, _base(repository, stored))
        _store(cache, folder, limit, history)
        return history
    except gitlog.GitMissing as exc:  # "git is not installed", "git cannot be run (…)"
        return History("no-git", {}, (), None, f"no history: {exc}")
    except gitlog.NotARepository:
        return _missing("no-repository")
    except gitlog.NotTrusted as exc:
        note = (
            f"no history: git does not read {exc}, which another user owns; if you trust it,"
            f" run: git config --global --add safe.directory {shlex.quote(str(exc))}"
        )
        return History("error", {}, (), None, note)
    except gitlog.GitFailed as exc:
        return History("error", {}, (), None, f"no history: git failed: {exc}")
    except (OSError, ValueError, LookupError) as exc:  # an answer of git's not understood
        return History(
            "error", {}, (), None, f"no history: git's answer was not understood ({exc})"
        )


def read_history_ahead(
    root: Path, content_dir: Path, limit: int, cache: BuildCache | None
) -> InBackground:
    """Starts `read_history` in a process of its own that leaves the history in the build
    cache, so that a build's own read later finds it there: git and this reading run on the
    other core while the build starts. With no cache, or where forking is not safe, nothing."""
    return InBackground(partial(read_history, root, content_dir, limit, cache) if cache else None)


def _missing(state: State) -> History:
    return History(state, {}, (), None, NOTES[state])


def _base(repository: gitlog.Repository, stored: History | None) -> History | None:
    """A cached history that HEAD's newer commits can simply be put before: a complete one,
    of a commit that everything since descends from."""
    if stored is None or stored.state != "complete" or stored.head is None:
        return None
    return stored if gitlog.descendants_only(repository, stored.head) else None


def _read(repository: gitlog.Repository, folder: str, limit: int, base: History | None) -> History:
    """The pipeline: the log (since `base`) read as git writes it, each commit walked back from
    HEAD's files as it comes, the fields of each change compared as their versions come, and
    the history of `base` continued."""
    locate = content_paths(repository.prefix, folder)
    commits: list[gitlog.Commit] = []
    top, since = repository.top, base.head if base else None
    with gitlog.LogReader(repository, folder, since) as log, gitlog.BlobReader(top) as reader:
        current = (locate(path) for path in gitlog.tree_paths(repository, folder))
        walk = revisions.Walk.of(path for path in current if path)
        compare = revisions.Compare(reader, limit)
        for commit in log:
            if not commit.changes:
                continue
            commits.append(commit)
            for lineage in revisions.follow(
                walk, len(commits) - 1, commit, locate, repository.shallow
            ):
                compare.offer(lineage, limit)
        kept = compare.finish(walk.lineages.values())
        drafts = [_was_draft(reader, blob, path) for _, path, blob in walk.removed]
    if base and any(removed.path in walk.state for removed in base.removed):
        # a path the cache has as removed holds a file again: its older history is not cached
        return _read(repository, folder, limit, None)
    older = _continued(walk, base)
    files = {}
    for path, lineage in walk.lineages.items():
        made = _file(lineage, _revisions(kept.get(path, []), commits), older.get(path), limit)
        if made is not None:
            files[path] = made
    removed = [
        _removal(commits[index], path, draft)
        for (index, path, _), draft in zip(walk.removed, drafts, strict=True)
    ]
    state: State = "shallow" if repository.shallow else "complete"
    everything = (*removed, *(base.removed if base else ()))
    return History(state, files, everything, repository.head, NOTES.get(state))


def _removal(commit: gitlog.Commit, path: str, draft: bool) -> Removed:
    return Removed(path, commit.sha, commit.timestamp, commit.subject, commit.author, draft)


def _was_draft(reader: gitlog.BlobReader, blob: str, path: str) -> bool:
    """Whether the last version of a removed file was a draft, read from its blob."""
    reader.ask(blob)
    return _is_draft(reader.answer(), path)


def _is_draft(data: bytes | None, path: str) -> bool:
    """Whether a version of a file says `status: draft`, read as content files are read (no
    alias expanded): a build that leaves drafts out does not name it, not even as removed. A
    version that cannot be read (missing from a partial clone, or not YAML gtm reads) counts as
    one: naming a draft is the mistake to avoid."""
    text = revisions.yaml_text(data, path)
    try:
        document = parse_yaml(text.decode("utf-8")) if text is not None else None
    except UnicodeDecodeError:
        return True
    if document is None or document.problems or not isinstance(document.data, dict):
        return True
    return bool(document.data.get("status") == "draft")


def _revisions(kept: Iterable[revisions.Kept], commits: Sequence[gitlog.Commit]) -> list[Revision]:
    """The public records of a file's changes."""
    made = []
    for event, fields in kept:
        commit = commits[event.commit]
        at = (event.path, event.change, fields)
        made.append(Revision(commit.sha, commit.timestamp, commit.subject, commit.author, *at))
    return made


def content_folder(repository: gitlog.Repository, content_dir: Path) -> str | None:
    """The content folder's path in the repository ("" when it is the top), or None when it
    is outside the repository."""
    top = os.path.realpath(repository.top)
    folder = os.path.realpath(content_dir)
    try:
        inside = os.path.relpath(folder, top)
    except ValueError:  # another drive
        return None
    if inside == os.curdir:
        return ""
    if inside == os.pardir or inside.startswith(os.pardir + os.sep):
        return None
    return Path(inside).as_posix()


def content_paths(prefix: str, folder: str) -> Callable[[str], str | None]:
    """Turns a path in the content folder into the project's path of a content file
    (`content/<kind>/<name>.yaml|.yml|.md`), or None for any other file."""
    if folder.startswith(prefix):
        start = f"{folder[len(prefix) :]}/".lstrip("/")
    else:
        start = f"{posixpath.relpath(folder, prefix.rstrip('/') or '.')}/"
    known: dict[str, str | None] = {}

    def locate(path: str) -> str | None:
        if path not in known:
            kind, _, name = path.partition("/")
            content = kind in KINDS and "/" not in name and name.endswith(CONTENT_SUFFIXES)
            known[path] = start + path if content and not is_ignored(name) else None
        return known[path]

    return locate


def _continued(walk: revisions.Walk, base: History | None) -> dict[str, FileHistory]:
    """The cached history each file of HEAD continues, by its current path: that of the path
    the walk of the newer commits led it back to."""
    older: dict[str, FileHistory] = {}
    for path, history in (base.files if base else {}).items():
        target = walk.state.get(path)
        if target is not None:
            older[target.path] = history
    return older


def _file(
    lineage: revisions.Lineage, kept: list[Revision], older: FileHistory | None, limit: int
) -> FileHistory | None:
    """A file's history: what the walk found, then what the cache held of older commits."""
    if older is None or lineage.updated is None:
        if lineage.updated is None:
            return older
        return FileHistory(lineage.path, tuple(kept), lineage.created, lineage.updated)
    created = lineage.created if older.created is None else older.created
    newest = (*kept, *older.revisions)[:limit]
    return FileHistory(lineage.path, newest, created, lineage.updated)


def _store(cache: BuildCache | None, folder: str, limit: int, history: History) -> None:
    """Writes a history to the cache: each commit once, in a table that revisions and removals
    refer to by number; a revision's path only when it is not the file's."""
    if cache is None or history.head is None:
        return
    numbers: dict[str, int] = {}
    commits: list[list[object]] = []

    def number(item: Revision | Removed) -> int:
        if item.commit not in numbers:
            numbers[item.commit] = len(commits)
            commits.append([item.commit, item.timestamp, item.subject, item.author])
        return numbers[item.commit]

    files = [
        [file.path, file.created, file.updated]
        + [
            [number(r), r.change[0].upper(), None if r.path == file.path else r.path, *r.fields]
            for r in file.revisions
        ]
        for file in history.files.values()
    ]
    removed = [[item.path, number(item), item.draft] for item in history.removed]
    key = {"format": CACHE_FORMAT, "folder": folder, "limit": limit, "head": history.head}
    rest = {"state": history.state, "commits": commits, "files": files, "removed": removed}
    cache.write(CACHE_FILE, key | rest)


def _cached(cache: BuildCache | None, folder: str, limit: int) -> History | None:
    """The history the cache holds for this content folder and limit, or None."""
    stored: Any = cache.read(CACHE_FILE) if cache is not None else None
    try:
        if (stored["format"], stored["folder"], stored["limit"]) != (CACHE_FORMAT, folder, limit):
            return None
        commits = [tuple(commit) for commit in stored["commits"]]  # sha, time, subject, author
        files = {}
        for path, created, updated, *rows in stored["files"]:
            files[str(path)] = FileHistory(
                str(path),
                tuple(_revision(commits, str(path), row) for row in rows),
                None if created is None else int(created),
                int(updated),
            )
        removed = tuple(_removed(commits, row) for row in stored["removed"])
        state = STATES[stored["state"]]
        return History(state, files, removed, str(stored["head"]), NOTES.get(state))
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _removed(commits: Sequence[tuple[Any, ...]], row: Any) -> Removed:
    """A removal as the cache keeps it: path, commit number, draft."""
    path, number, draft = row
    if not isinstance(number, int) or number < 0:
        raise ValueError(f"no commit {number!r}")
    sha, timestamp, subject, author = commits[number]
    hidden = draft is not False  # anything but a plain "no" keeps a removed file unnamed
    return Removed(str(path), str(sha), int(timestamp), str(subject), str(author), hidden)


def _revision(commits: Sequence[tuple[Any, ...]], path: str, row: Any) -> Revision:
    """A revision as `_store` wrote it: [commit number, change letter, path or null, *fields]."""
    number, change, at, *fields = row
    sha, timestamp, subject, author = commits[number]
    return Revision(
        sha, timestamp, subject, author, at or path, revisions.CHANGES[change], tuple(fields)
    )
