"""The data outputs: `search-index.json`, `sitemap.xml` and `launches.ics`. Stable order and
fixed timestamps, so the same sources give the same bytes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape

from gtm.content.kinds import KINDS
from gtm.content.markdown import MarkdownMemo, plain_text
from gtm.content.model import Launch
from gtm.content.validate import Item
from gtm.memo import PerFile
from gtm.site.claims import unsourced_in
from gtm.site.entries import Entry
from gtm.site.link import Site
from gtm.site.views import Portal

SEARCH_TEXT_LIMIT = 4000
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


SearchRecord = dict[str, object]


@dataclass
class FeedMemo:
    """The data files of the last build of a `gtm serve` session: each entry's search record
    and words, each record's JSON, the calendar and the changes feed. A save makes new entries
    only for what it changed, so the rest keep their records, and those their JSON."""

    records: dict[int, tuple[Entry, bool, SearchRecord]] = field(default_factory=dict)
    """By the entry's identity, with the entry itself, so the identity cannot be reused."""
    encoded: dict[int, tuple[SearchRecord, bytes]] = field(default_factory=dict)
    titles: dict[int, tuple[SearchRecord, bytes]] = field(default_factory=dict)
    """Each record's JSON, in full and without its text, by the record's identity."""
    search_text: PerFile[str] = field(default_factory=PerFile)
    calendar: dict[tuple[object, ...], bytes] = field(default_factory=dict)
    changes: dict[str, bytes] = field(default_factory=dict)
    """The Atom feed of what changed, by `atom.feed_key`."""


def search_records(
    portal: Portal,
    site: Site,
    memo: FeedMemo | None = None,
    known: dict[str, str] | None = None,
    markdown: MarkdownMemo | None = None,
) -> list[SearchRecord]:
    """One record per page a reader can land on; the search page ranks them in the browser.
    `memo` keeps each entry's words for the next build of a `gtm serve` session; `known`
    holds them by the digest of each entry's file for one-off builds, from the last build,
    and is left holding this one's."""
    records: list[SearchRecord] = []
    words: dict[str, str] = {}
    allow_html = portal.config.markdown.allow_html
    last = dict(memo.records) if memo is not None else {}
    if memo is not None:
        memo.records.clear()
    for kind in KINDS:
        for entry in portal.kinds[kind]:
            kept = last.get(id(entry))
            if memo is not None and kept is not None and kept[0] is entry and kept[1] == allow_html:
                records.append(kept[2])
                memo.records[id(entry)] = kept
                continue
            if known is None:
                text = _search_text(entry, portal, site, memo, markdown)
            else:
                text = _known_text(entry, portal, site, known, words, markdown)
            record: SearchRecord = {
                "title": entry.name,
                "kind": KINDS[kind].singular,
                "summary": entry.summary or "",
                "tags": list(entry.fields.tags),
                "text": text,
                "url": entry.path,
            }
            records.append(record)
            if memo is not None:
                memo.records[id(entry)] = (entry, allow_html, record)
    if known is not None:
        known.clear()
        known.update(words)
    records.sort(key=lambda r: (str(r["url"]), str(r["title"])))
    return records


def _known_text(
    entry: Entry,
    portal: Portal,
    site: Site,
    known: dict[str, str],
    words: dict[str, str],
    markdown: MarkdownMemo | None,
) -> str:
    allow_html, audience = portal.config.markdown.allow_html, portal.audience
    item = site.known[(entry.kind, entry.id)]
    key = f"{entry.kind}:{item.source.digest}:{int(allow_html)}:{audience}"
    text = known.get(key)
    if not isinstance(text, str):
        text = _plain_text(item, allow_html, markdown, audience)[:SEARCH_TEXT_LIMIT]
    words[key] = text
    return text


def search_index(records: list[SearchRecord], memo: FeedMemo | None = None) -> bytes:
    """`search-index.json`: the records in a stable order, as compact UTF-8 JSON. `memo`
    keeps each record's JSON for the next build of a `gtm serve` session."""
    return _json_list(records, _json, memo.encoded if memo is not None else None)


def search_index_taking(records: list[SearchRecord]) -> bytes:
    """`search_index` for a build that needs the records no more: it empties `records`,
    letting go of each as soon as it is written, so the full text and its JSON are not held
    at once (at 5,000 artifacts, 21 MB each)."""
    records.reverse()
    return _json_list((records.pop() for _ in range(len(records))), _json)


def search_titles_script(records: list[SearchRecord], memo: FeedMemo | None = None) -> bytes:
    """`search-index.js`: the records without their full text, as a script, for a portal
    opened from disk, where browsers refuse `fetch`; a sales rep may well open it from a
    downloaded folder. Names, kinds, summaries and tags: a fifth of the full index, which a
    served portal fetches instead."""
    listed = _json_list(records, _title_json, memo.titles if memo is not None else None)
    return b"".join((b"window.GTM_SEARCH_INDEX = ", memoryview(listed)[:-1], b";\n"))


def _json_list(
    records: Iterable[SearchRecord],
    encode: Callable[[SearchRecord], str],
    kept: dict[int, tuple[SearchRecord, bytes]] | None = None,
) -> bytes:
    """The records as one JSON list and a line end; `kept` holds each record's JSON from the
    last build, by the record's identity, and is left holding this one's."""
    last = dict(kept) if kept is not None else {}
    if kept is not None:
        kept.clear()
    parts = [b"["]
    for index, record in enumerate(records):
        found = last.get(id(record))
        if found is None or found[0] is not record:
            found = (record, encode(record).encode("utf-8"))
        if kept is not None:
            kept[id(record)] = found
        parts += (b"," if index else b"", found[1])
    parts.append(b"]\n")
    return b"".join(parts)


def _json(record: SearchRecord) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _title_json(record: SearchRecord) -> str:
    return _json({key: value for key, value in record.items() if key != "text"})


def _search_text(
    entry: Entry,
    portal: Portal,
    site: Site,
    memo: FeedMemo | None,
    markdown: MarkdownMemo | None,
) -> str:
    """An entry's words for search; remembered by the digest of its file, a rebuild in
    `gtm serve` works out again only the entries whose files changed."""
    allow_html, audience = portal.config.markdown.allow_html, portal.audience
    item = site.known[(entry.kind, entry.id)]
    if memo is None:
        return _plain_text(item, allow_html, markdown, audience)[:SEARCH_TEXT_LIMIT]
    key = (entry.kind, item.source.digest, allow_html, audience)
    return memo.search_text.get(
        key, lambda: _plain_text(item, allow_html, markdown, audience)[:SEARCH_TEXT_LIMIT]
    )


def _plain_text(item: Item, allow_html: bool, markdown: MarkdownMemo | None, audience: str) -> str:
    """An item's words, less its name, summary and tags (the record has them) and the sources
    this build may not name."""
    hidden = unsourced_in(item.fields, audience)
    words = [
        plain_text(str(leaf.value), allow_html, markdown)
        if leaf.shape.prose.markdown
        else str(leaf.value)
        for leaf in item.leaves
        if leaf.shape.prose is not None
        and leaf.path[0] not in ("name", "summary", "tags")
        and not any(_under(leaf.path, path) for path in hidden)
    ]
    return " ".join(" ".join(words).split())


def _under(path: tuple[str | int, ...], claim: tuple[str | int, ...]) -> bool:
    """A value of the claim at `claim` other than its text."""
    return path[: len(claim)] == claim and path[len(claim) :] != ("claim",)


def sitemap(portal: Portal, paths: list[str]) -> bytes:
    """Every HTML page but the not-found page and the embeddable cards, under `base_url`."""
    base = portal.config.site.base_url
    base = base if base.endswith("/") else base + "/"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    pages = (p for p in paths if p.endswith(".html") and not p.startswith("embed/"))
    for path in sorted(p for p in pages if p != "404.html"):
        location = base + (path.removesuffix("index.html"))
        lines.append(f"  <url><loc>{escape(location)}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def launches_calendar(portal: Portal, memo: FeedMemo | None = None) -> bytes:
    """RFC 5545: each launch and each milestone as an all-day event with a stable UID. The
    last calendar is kept in `memo`, for a rebuild in `gtm serve` that changed no launch."""
    if memo is None:
        return _calendar(portal)
    launches = tuple((entry.id, entry.digest) for entry in portal.kinds["launches"])
    key = (portal.title, portal.today, launches)
    if key not in memo.calendar:
        memo.calendar.clear()
        memo.calendar[key] = _calendar(portal)
    return memo.calendar[key]


def _calendar(portal: Portal) -> bytes:
    stamp = f"{_ics_date(portal.today)}T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//gtm//GTM launch calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(portal.title + ' launches')}",
    ]
    for entry in portal.kinds["launches"]:
        launch = entry.fields
        if not isinstance(launch, Launch):
            continue
        summary = f"{entry.name} (tier {launch.tier} launch)"
        lines += _event(f"launch-{entry.id}", stamp, launch.date, summary, entry.summary)
        for milestone in launch.milestones:
            state = "done" if milestone.done else "open"
            lines += _event(
                f"launch-{entry.id}-{milestone.id}",
                stamp,
                milestone.date,
                f"{entry.name}: {milestone.name}",
                f"Milestone ({state})" + (f", owner {milestone.owner}" if milestone.owner else ""),
            )
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _event(uid: str, stamp: str, day: date, summary: str, description: str | None) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@gtm",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_ics_date(day)}",
    ]
    if day < date.max:
        lines.append(f"DTEND;VALUE=DATE:{_ics_date(day + timedelta(days=1))}")
    # else no DTEND, which RFC 5545 (3.6.1) reads as one day: 9999-12-31 has no next day.
    lines += [f"SUMMARY:{_text(summary)}", "TRANSP:TRANSPARENT"]
    if description:
        lines.append(f"DESCRIPTION:{_text(description)}")
    return [*lines, "END:VEVENT"]


def _ics_date(day: date) -> str:
    """An RFC 5545 DATE, always eight digits: `strftime("%Y")` writes the year 1 as `1`."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping; any line break becomes `\\n` and other control characters,
    which TEXT may not hold, become spaces."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = re.sub(r"\r\n|\r|\n", r"\\n", value)
    return CONTROL.sub(" ", value)


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    if len(data) == len(line):
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)
