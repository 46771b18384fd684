"""What changed as the portal shows it (gtm/site/timeline.py) and as a feed (gtm/render/atom.py):
plain-word fields, "New" and "Updated", weeks starting on Monday, a public build without
subjects or removed files, and a feed that feedparser reads as valid Atom."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import feedparser

from gtm.content.config import Config
from gtm.content.history import FileHistory, History, Removed, Revision
from gtm.render.atom import changes_feed
from gtm.site.timeline import ItemHistory, plain_field, timeline
from gtm.site.views import make_portal
from tests.conftest import MakeProject
from tests.unit.helpers import check

TODAY = date(2026, 11, 23)
PAGE = "content/pages/guide.md"


def at(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


def revision(day: str, change: str = "modified", *fields: str, sha: str = "a") -> Revision:
    return Revision(sha * 40, at(day), f"subject {day}", "Ann Author", PAGE, change, fields)  # type: ignore[arg-type]


def history(*revisions: Revision, created: str | None = "2026-10-01") -> History:
    found = FileHistory(PAGE, revisions, at(created) if created else None, revisions[0].timestamp)
    removed = Removed("content/competitors/gone.yaml", "b" * 40, at("2026-11-18"), "Gone", "Ann")
    return History("complete", {PAGE: found}, (removed,), "c" * 40, None)


PAGES = frozenset({PAGE})


def site(make_project: MakeProject, audience: str = "internal"):  # type: ignore[no-untyped-def]
    page = "---\ntitle: Guide\nvisibility: public\n---\nText.\n"
    return check(make_project({PAGE: page}), audience=audience).site


def test_changes_in_plain_words_newest_first_with_subjects(make_project: MakeProject) -> None:
    found = history(
        revision("2026-11-20T09:00", "modified", "why_we_win", "text", sha="d"),
        revision("2026-10-01T09:00", "added", sha="e"),
    )
    made = timeline(found, site(make_project), Config(), TODAY, "internal")
    item = made.of(("pages", "guide"))
    assert [c.what for c in item.changes] == ["changed why we win, text", "added"]
    assert item.changes[0].subject == "subject 2026-11-20T09:00"
    assert (item.created, item.updated, item.recent) == (
        date(2026, 10, 1),
        date(2026, 11, 20),
        "updated",
    )
    assert item.since(date(2026, 11, 1)) == ("why we win", "text")
    assert item.since(date(2026, 11, 20)) == ()
    assert plain_field("quick_dismiss") == "quick dismiss"


def test_an_uncommitted_file_is_marked_with_its_history_or_without_one(
    make_project: MakeProject,
) -> None:
    found = history(revision("2026-11-20T09:00", "modified", "summary", sha="d"))
    marked = timeline(found, site(make_project), Config(), TODAY, "internal", uncommitted=PAGES)
    assert marked.of(("pages", "guide")).uncommitted
    assert marked.of(("pages", "guide")).updated == date(2026, 11, 20)
    assert marked.of(("pages", "guide")) != timeline(
        found, site(make_project), Config(), TODAY, "internal"
    ).of(("pages", "guide")), "a page is rendered again when the mark comes or goes"
    unknown = History("complete", {}, (), "c" * 40, None)
    new = timeline(unknown, site(make_project), Config(), TODAY, "internal", uncommitted=PAGES)
    assert new.of(("pages", "guide")) == ItemHistory(None, None, uncommitted=True)
    assert (
        new.weeks == ()
        and new.digest == timeline(unknown, site(make_project), Config(), TODAY, "internal").digest
    ), "the mark is not on the changes page, which is not rendered again for it"


def test_a_removed_draft_is_named_only_in_a_build_with_drafts(make_project: MakeProject) -> None:
    found = history(revision("2026-11-20T09:00", "modified", "summary", sha="d"))
    draft = Removed("content/personas/secret.yaml", "e" * 40, at("2026-11-19"), "Drop", "Ann", True)
    found = History("complete", found.files, (*found.removed, draft), "c" * 40, None)
    left_out = timeline(found, site(make_project), Config(), TODAY, "internal")
    assert [row.name for row in left_out.removed] == ["gone"]
    shown = timeline(found, site(make_project), Config(), TODAY, "internal", drafts=True)
    assert [row.name for row in shown.removed] == ["gone", "secret"]


def test_weeks_start_on_monday_and_removed_files_are_internal_only(
    make_project: MakeProject,
) -> None:
    found = history(
        revision("2026-11-20T09:00", "modified", "summary", sha="d"),
        revision("2026-11-16T09:00", "modified", "text", sha="e"),
        revision("2026-11-15T09:00", "modified", "text", sha="f"),
    )
    internal = timeline(found, site(make_project), Config(), TODAY, "internal")
    assert [w.start for w in internal.weeks] == [date(2026, 11, 16), date(2026, 11, 9)]
    assert [(r.name, r.change.what) for r in internal.weeks[0].rows] == [
        ("Guide", "changed summary"),
        ("gone", "removed"),
        ("Guide", "changed text"),
    ]
    public = timeline(found, site(make_project, "public"), Config(), TODAY, "public")
    rows = [row for week in public.weeks for row in week.rows]
    assert [r.name for r in rows] == ["Guide", "Guide", "Guide"]
    assert all(r.change.subject is None for r in rows)


def test_new_within_recent_days_and_the_limits_from_the_config(
    make_project: MakeProject,
) -> None:
    found = history(revision("2026-11-20T09:00", "added", sha="d"), created="2026-11-20T09:00")
    item = timeline(found, site(make_project), Config(), TODAY, "internal").of(("pages", "guide"))
    assert item.recent == "new"
    config = Config.model_validate({"changes": {"recent_days": 2, "history_limit": 0}})
    quiet = timeline(found, site(make_project), config, TODAY, "internal").of(("pages", "guide"))
    assert (quiet.recent, quiet.changes) == (None, ())
    old = Config.model_validate({"changes": {"feed_days": 1}})
    assert timeline(found, site(make_project), old, TODAY, "internal").weeks == ()


def test_the_feed_is_valid_atom_with_stable_ids(make_project: MakeProject, tmp_path: Path) -> None:
    found = history(revision("2026-11-20T09:00", "modified", "text", sha="d"))
    config = Config.model_validate({"site": {"base_url": "https://gtm.acme.example/portal/"}})
    portal = make_portal(site(make_project), config, TODAY, "internal", False, history=found)
    data = changes_feed(portal)
    assert data == changes_feed(portal)
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {
        "alternate": "https://gtm.acme.example/portal/changes/",
        "self": "https://gtm.acme.example/portal/changes.xml",
    }
    first, removed = feed.entries
    assert first.title == "Guide: changed text"
    assert first.link == "https://gtm.acme.example/portal/guide/"
    assert first.updated == "2026-11-20T09:00:00Z"
    assert (removed.title == "gone: removed" and "links" not in removed) or not removed.links
    assert first.id != removed.id and first.id.startswith("urn:uuid:")


def test_an_empty_feed_is_dated_by_the_build(make_project: MakeProject) -> None:
    portal = make_portal(site(make_project), Config(), TODAY, "internal", False)
    feed = feedparser.parse(changes_feed(portal))
    assert not feed.bozo and feed.entries == []
    assert feed.feed.updated == "2026-11-23T00:00:00Z"


def pages_site(make_project: MakeProject, audience: str = "internal"):  # type: ignore[no-untyped-def]
    files = {
        f"content/pages/{name}.md": f"---\ntitle: {name.title()}\nvisibility: public\n---\nText.\n"
        for name in ("alpha", "beta", "gamma")
    }
    return check(make_project(files), audience=audience).site


def busy_history(beta_sha: str = "b") -> History:
    """Three pages changed on the same days, some at the same second, once before the changes
    page's 90 days, and a removed file."""
    files = {}
    for number, name in enumerate(("alpha", "beta", "gamma")):
        path = f"content/pages/{name}.md"
        sha = beta_sha if name == "beta" else "ace"[number]
        days = ("11-20", "11-18", f"11-{18 - number}", "11-10", "08-01")
        revisions = tuple(
            revision(f"2026-{day}T09:00", "modified", "text", sha=sha) for day in days
        )
        files[path] = FileHistory(path, revisions, at("2026-07-01"), revisions[0].timestamp)
    removed = Removed("content/pages/old.md", "f" * 40, at("2026-11-18T09:00"), "Gone", "Ann")
    return History("complete", files, (removed,), "c" * 40, None)


def test_the_home_pages_newest_rows_are_the_first_rows_of_the_changes_page(
    make_project: MakeProject,
) -> None:
    shown = pages_site(make_project)
    for audience in ("internal", "public"):
        every = timeline(busy_history(), shown, Config(), TODAY, audience)
        rows = [row for week in every.weeks for row in week.rows]
        assert len(rows) == (13 if audience == "internal" else 12)
        for count in range(len(rows) + 2):
            fresh = timeline(busy_history(), shown, Config(), TODAY, audience)
            assert fresh.newest(count) == tuple(rows[:count])
            assert every.newest(count) == tuple(rows[:count])


def test_the_changes_digest_follows_what_the_page_shows(make_project: MakeProject) -> None:
    shown = pages_site(make_project)

    def digest(history: History, config: Config | None = None, day: date = TODAY) -> str:
        return timeline(history, shown, config or Config(), day, "internal").digest

    same = digest(busy_history())
    assert digest(busy_history()) == same
    assert digest(busy_history(beta_sha="e")) != same  # a new commit
    assert digest(busy_history(), day=date(2026, 11, 24)) != same  # the window moves
    longer = Config.model_validate({"changes": {"feed_days": 30}})
    assert digest(busy_history(), longer) != same
    renamed = check(
        make_project({"content/pages/alpha.md": "---\ntitle: Other\nvisibility: public\n---\n"})
    ).site
    assert timeline(busy_history(), renamed, Config(), TODAY, "internal").digest != same
