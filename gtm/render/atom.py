"""`changes.xml`: the changes page as an Atom feed (RFC 4287), for a manager's feed reader or a
chat channel. Ids are stable UUIDs of what changed, timestamps are the commits', so the same
history gives the same bytes."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from gtm.site.routes import absolute_prefix, page_url
from gtm.site.timeline import ChangeRow
from gtm.site.views import Portal

ATOM = "http://www.w3.org/2005/Atom"
QUOTE = {'"': "&quot;"}
FEED_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-4d59-9a37-6c0d2b1f4e71")
"""Where the feed's UUIDs are made from (RFC 4122 version 5), so an entry keeps its id."""


def feed_key(portal: Portal) -> str:
    """What the feed's bytes depend on, so that the last build's feed can be kept while it is
    the same: the changes (their digest), the portal's title, address and language, and the
    day (an empty feed is as new as the build)."""
    parts = (portal.changes_digest, portal.title, portal.config.site.base_url, portal.language)
    return repr((*parts, portal.today, sorted(portal.kind_labels.items())))


def changes_feed(portal: Portal) -> bytes:
    """Every change of the changes page, newest first, as one Atom entry each."""
    base = portal.config.site.base_url
    prefix = absolute_prefix(base)
    rows = [row for week in portal.weeks for row in week.rows]
    newest = rows[0].change.timestamp if rows else _midnight(portal)
    feed_id = uuid.uuid5(FEED_NAMESPACE, f"feed|{portal.title}|{base}")
    page = quoteattr(page_url(prefix, "changes/index.html"))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang={quoteattr(portal.language)}>',
        f"  <title>{escape(portal.title)}: what changed</title>",
        f"  <id>urn:uuid:{feed_id}</id>",
        f"  <updated>{_time(newest)}</updated>",
        f'  <link rel="alternate" type="text/html" href={page}/>',
    ]
    if prefix:
        lines.append(f'  <link rel="self" href={quoteattr(prefix + "changes.xml")}/>')
    lines += [
        f"  <author><name>{escape(portal.title)}</name></author>",
        '  <generator uri="https://pypi.org/project/gtm-portal/">gtm</generator>',
    ]
    categories = {
        kind: f"    <category term={quoteattr(kind)} label={quoteattr(label)}/>"
        for kind, label in portal.kind_labels.items()
    }
    lines += (_entry(row, prefix, categories) for row in rows)
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry(row: ChangeRow, prefix: str, categories: dict[str, str]) -> str:
    change = row.change
    ident = row.key[1] if row.key is not None else row.name
    entry_id = uuid.uuid5(FEED_NAMESPACE, f"{row.kind}|{ident}|{change.commit}")
    what = change.what
    summary = what + (f" ({change.subject})" if change.subject else "")
    link = ""
    if row.path is not None:
        href = escape(page_url(prefix, row.path), QUOTE)
        link = f'    <link rel="alternate" type="text/html" href="{href}"/>\n'
    category = categories.get(row.kind) or (
        f"    <category term={quoteattr(row.kind)} label={quoteattr(row.kind)}/>"
    )
    return (
        f"  <entry>\n    <title>{escape(f'{row.name}: {what}')}</title>\n"
        f"    <id>urn:uuid:{entry_id}</id>\n    <updated>{_time(change.timestamp)}</updated>\n"
        f"{link}{category}\n    <summary>{escape(summary)}</summary>\n  </entry>"
    )


def _time(timestamp: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def _midnight(portal: Portal) -> int:
    """A feed with no entries is as new as the build's day, so its bytes do not change."""
    return int(
        datetime(portal.today.year, portal.today.month, portal.today.day, tzinfo=UTC).timestamp()
    )
