"""What changed, as the portal shows it: each artifact's created and updated dates and its
changes in plain words, and the changes page's weeks. Made from the git history once per build,
under the audience's rules: a public build shows only its own artifacts, and no commit
subjects (they may speak of internal work) and no removed files."""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property

from gtm.content.config import Config
from gtm.content.history import FileHistory, History, Revision
from gtm.content.kinds import KINDS
from gtm.site.link import Site
from gtm.site.routes import item_path

Key = tuple[str, str]


def plain_field(name: str) -> str:
    """A field as a reader says it: "why we win" for `why_we_win`."""
    return name.replace("_", " ")


@dataclass(frozen=True)
class Change:
    """One change of an artifact: when, what kind, which fields and, in an internal build, the
    commit's subject."""

    date: date
    change: str
    """"added", "modified", "renamed" or "deleted"."""
    fields: tuple[str, ...]
    """The fields changed, in plain words ("pricing", "why we win", "text")."""
    subject: str | None
    timestamp: int
    commit: str

    @property
    def what(self) -> str:
        """The change in words: "added", "removed", "renamed", or "changed pricing, text"."""
        if self.change == "added":
            return "added"
        if self.change == "deleted":
            return "removed"
        if not self.fields:
            return "renamed" if self.change == "renamed" else "edited"
        renamed = "renamed; " if self.change == "renamed" else ""
        return f"{renamed}changed {', '.join(self.fields)}"


@dataclass(frozen=True)
class ItemHistory:
    """An artifact's history as its page shows it, newest change first. Its changes are worked
    out when a page reads them; `key` says what they are, so a one-file rebuild compares and
    digests a thousand histories without making them."""

    created: date | None
    updated: date | None
    recent: str | None = None
    """"new" or "updated" for a change within `[changes] recent_days`, else None."""
    key: tuple[object, ...] = ()
    """What the history shows: its newest revision's commit, how many it has, when the file
    was created and updated, and whether subjects show (a commit never changes)."""
    found: FileHistory | None = field(default=None, compare=False, repr=False)
    limit: int = field(default=0, compare=False, repr=False)
    internal: bool = field(default=True, compare=False, repr=False)
    uncommitted: bool = False
    """In `gtm serve`: its file holds saved edits that git has not committed (or is not in
    git yet), which this history does not show."""

    @cached_property
    def changes(self) -> tuple[Change, ...]:
        if self.found is None:
            return ()
        shown = self.found.revisions[: self.limit]
        return tuple(_change(revision, self.internal) for revision in shown)

    def since(self, day: date) -> tuple[str, ...]:
        """The fields changed after `day` (a battlecard's review), most recent first."""
        found: list[str] = []
        for change in self.changes:
            if change.date > day:
                found.extend(name for name in change.fields if name not in found)
        return tuple(found)


NO_HISTORY = ItemHistory(None, None)


@dataclass(frozen=True)
class ChangeRow:
    """One line of the changes page: an artifact the build shows (`key`), or, in an internal
    build, a file that was removed (`key` None, named by its id)."""

    key: Key | None
    kind: str
    name: str
    change: Change
    path: str | None = None
    """The artifact's page; None for a removed file."""


@dataclass(frozen=True)
class Week:
    start: date
    """The Monday the week starts on."""
    rows: tuple[ChangeRow, ...]


@dataclass(frozen=True)
class Timeline:
    """The history of the build: per shown artifact, and the changes page's weeks, made when
    first read (a rebuild that keeps the changes page and feed never makes them)."""

    items: Mapping[Key, ItemHistory]
    note: str | None = None
    """What is missing, when the history is partial or absent, said once."""
    since: date | None = None
    """The changes page starts after this day."""
    names: Mapping[Key, str] = field(default_factory=dict)
    removed: tuple[ChangeRow, ...] = ()
    """Removed files, in an internal build."""

    def of(self, key: Key) -> ItemHistory:
        return self.items.get(key, NO_HISTORY)

    @cached_property
    def weeks(self) -> tuple[Week, ...]:
        """The changes of the last `[changes] feed_days` days, newest first, by week."""
        since = self.since
        rows = list(self.removed)
        if since is not None:
            for key, item in self.items.items():
                name, path = self.names[key], item_path(*key)
                rows.extend(
                    ChangeRow(key, key[0], name, change, path)
                    for change in item.changes
                    if change.date > since
                )
        return _weeks(rows)

    def newest(self, count: int) -> tuple[ChangeRow, ...]:
        """The first `count` rows of `weeks`, without making the rest (the home page's list)."""
        if "weeks" in self.__dict__ or self.since is None:
            return tuple(row for week in self.weeks for row in week.rows)[:count]
        candidates: list[tuple[int, str, str, Key | None, int]] = [
            (-row.change.timestamp, row.kind, row.name.lower(), None, index)
            for index, row in enumerate(self.removed)
        ]
        after = int((self.since - EPOCH_DAY).total_seconds()) + DAY_SECONDS  # the next day
        for key, item in self.items.items():
            revisions = item.found.revisions[: min(item.limit, count)] if item.found else ()
            name = self.names[key].lower()
            candidates.extend(
                (-revision.timestamp, key[0], name, key, index)
                for index, revision in enumerate(revisions)
                if revision.timestamp >= after
            )
        rows = []
        for _, _, _, shown, index in heapq.nsmallest(count, candidates, key=lambda c: c[:3]):
            if shown is None:
                rows.append(self.removed[index])
            else:
                change = self.items[shown].changes[index]
                name = self.names[shown]
                rows.append(ChangeRow(shown, shown[0], name, change, item_path(*shown)))
        return tuple(rows)

    @cached_property
    def digest(self) -> str:
        """A digest of what `weeks` and `note` show, made without them: each artifact's name and
        history key, the first day, and the removed files."""
        items = self.items.items()
        shown = sorted((key, self.names[key], item.key) for key, item in items if item.key)
        text = repr((self.since, self.note, self.removed, shown))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def timeline(
    history: History,
    site: Site,
    config: Config,
    today: date,
    audience: str,
    drafts: bool = False,
    uncommitted: frozenset[str] = frozenset(),
) -> Timeline:
    """The build's history: every shown artifact's, and the changes of the last
    `[changes] feed_days` days, newest first, grouped by week; a removed draft only in a build
    that shows `drafts`. The artifacts whose files are `uncommitted` are marked so."""
    internal = audience != "public"
    items: dict[Key, ItemHistory] = {}
    names: dict[Key, str] = {}
    since = today - timedelta(days=config.changes.feed_days)
    for item in site.all_items():
        found = history.files.get(item.path)
        marked = item.path in uncommitted
        if found is None and not marked:
            continue
        key = (item.kind, item.id)
        told = item_history(found, config, today, internal) if found else NO_HISTORY
        items[key] = replace(told, uncommitted=True) if marked else told
        names[key] = item.fields.name
    removed = tuple(_removed_rows(history, since, drafts)) if internal else ()
    note = history.note if internal or history.state != "error" else PUBLIC_ERROR_NOTE
    return Timeline(items, note, since, names, removed)


PUBLIC_ERROR_NOTE = "no history: git could not be read when this portal was built"
"""What a public build says when reading git failed: git's own words name the build machine's
folders, which the terminal shows and a public portal does not."""


def item_history(found: FileHistory, config: Config, today: date, internal: bool) -> ItemHistory:
    limit = config.changes.history_limit
    created = _day(found.created) if found.created is not None else None
    updated = _day(found.updated)
    recent_since = today - timedelta(days=config.changes.recent_days)
    recent = None
    if created is not None and created > recent_since:
        recent = "new"
    elif updated > recent_since:
        recent = "updated"
    shown = found.revisions[:limit]
    newest = shown[0].commit if shown else None
    key = (newest, len(shown), found.created, found.updated, internal)
    return ItemHistory(created, updated, recent, key, found, limit, internal)


def _change(revision: Revision, internal: bool) -> Change:
    fields = tuple(plain_field(name) for name in revision.fields)
    subject = revision.subject if internal else None
    return Change(
        revision.date, revision.change, fields, subject, revision.timestamp, revision.commit
    )


def _removed_rows(history: History, since: date, drafts: bool) -> list[ChangeRow]:
    rows = []
    for removed in history.removed:
        day = _day(removed.timestamp)
        parts = removed.path.split("/")
        if day <= since or len(parts) < 2 or parts[-2] not in KINDS:
            continue
        if removed.draft and not drafts:
            continue
        ident = parts[-1].rsplit(".", 1)[0]
        change = Change(day, "deleted", (), removed.subject, removed.timestamp, removed.commit)
        rows.append(ChangeRow(None, parts[-2], ident, change))
    return rows


def _weeks(rows: list[ChangeRow]) -> tuple[Week, ...]:
    """Rows newest first (then by kind and name), in weeks starting on Monday."""
    ordered = sorted(rows, key=lambda r: (-r.change.timestamp, r.kind, r.name.lower()))
    weeks: dict[date, list[ChangeRow]] = {}
    for row in ordered:
        start = row.change.date - timedelta(days=row.change.date.weekday())
        weeks.setdefault(start, []).append(row)
    return tuple(Week(start, tuple(found)) for start, found in weeks.items())


EPOCH_DAY = date(1970, 1, 1)
DAY_SECONDS = 86_400


def _day(timestamp: int) -> date:
    return EPOCH_DAY + timedelta(seconds=timestamp)
