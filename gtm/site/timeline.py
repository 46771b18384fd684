"""What changed, as the portal shows it: each artifact's created and updated dates and its
changes in plain words, and the changes page's weeks. Made from the git history once per build,
under the audience's rules: a public build shows only its own artifacts, and no commit
subjects (they may speak of internal work) and no removed files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from gtm.content.config import Config
from gtm.content.history import FileHistory, History, Revision
from gtm.content.kinds import KINDS
from gtm.site.link import Site

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
    """An artifact's history as its page shows it, newest change first."""

    created: date | None
    updated: date | None
    changes: tuple[Change, ...] = ()
    recent: str | None = None
    """"new" or "updated" for a change within `[changes] recent_days`, else None."""

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


@dataclass(frozen=True)
class Week:
    start: date
    """The Monday the week starts on."""
    rows: tuple[ChangeRow, ...]


@dataclass(frozen=True)
class Timeline:
    """The history of the build: per shown artifact, and the changes page's weeks."""

    items: Mapping[Key, ItemHistory]
    weeks: tuple[Week, ...] = ()
    note: str | None = None
    """What is missing, when the history is partial or absent, said once."""

    def of(self, key: Key) -> ItemHistory:
        return self.items.get(key, NO_HISTORY)


def timeline(history: History, site: Site, config: Config, today: date, audience: str) -> Timeline:
    """The build's history: every shown artifact's, and the changes of the last
    `[changes] feed_days` days, newest first, grouped by week."""
    internal = audience != "public"
    items: dict[Key, ItemHistory] = {}
    rows: list[ChangeRow] = []
    since = today - timedelta(days=config.changes.feed_days)
    for item in site.all_items():
        found = history.files.get(item.path)
        if found is None:
            continue
        key = (item.kind, item.id)
        items[key] = item_history(found, config, today, internal)
        rows.extend(
            ChangeRow(key, item.kind, item.fields.name, change)
            for change in items[key].changes
            if change.date > since
        )
    if internal:
        rows.extend(_removed_rows(history, since))
    return Timeline(items, _weeks(rows), history.note)


def item_history(found: FileHistory, config: Config, today: date, internal: bool) -> ItemHistory:
    limit = config.changes.history_limit
    changes = tuple(_change(revision, internal) for revision in found.revisions[:limit])
    created = _day(found.created) if found.created is not None else None
    updated = _day(found.updated)
    recent_since = today - timedelta(days=config.changes.recent_days)
    recent = None
    if created is not None and created > recent_since:
        recent = "new"
    elif updated > recent_since:
        recent = "updated"
    return ItemHistory(created, updated, changes, recent)


def _change(revision: Revision, internal: bool) -> Change:
    fields = tuple(plain_field(name) for name in revision.fields)
    subject = revision.subject if internal else None
    return Change(
        revision.date, revision.change, fields, subject, revision.timestamp, revision.commit
    )


def _removed_rows(history: History, since: date) -> list[ChangeRow]:
    rows = []
    for removed in history.removed:
        day = _day(removed.timestamp)
        parts = removed.path.split("/")
        if day <= since or len(parts) < 2 or parts[-2] not in KINDS:
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


def _day(timestamp: int) -> date:
    return date(1970, 1, 1) + timedelta(seconds=timestamp)
