"""`changes.xml`: the changes page as an Atom feed (RFC 4287), for a manager's feed reader or a
chat channel. Ids are stable UUIDs of what changed, timestamps are the commits', so the same
history gives the same bytes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

from gtm.site.routes import item_path
from gtm.site.timeline import ChangeRow
from gtm.site.views import Portal

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAMESPACE = uuid.UUID("6f1c2a52-3c1e-4d59-9a37-6c0d2b1f4e71")
"""Where the feed's UUIDs are made from (RFC 4122 version 5), so an entry keeps its id."""


def changes_feed(portal: Portal) -> bytes:
    """Every change of the changes page, newest first, as one Atom entry each."""
    base = portal.config.site.base_url
    absolute = base.startswith(("https://", "http://"))
    prefix = (base if base.endswith("/") else base + "/") if absolute else ""
    rows = [row for week in portal.weeks for row in week.rows]
    newest = rows[0].change.timestamp if rows else _midnight(portal)
    feed_id = uuid.uuid5(FEED_NAMESPACE, f"feed|{portal.title}|{base}")
    page = quoteattr(_page(prefix, "changes/index.html"))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang={quoteattr(portal.language)}>',
        f"  <title>{escape(portal.title)}: what changed</title>",
        f"  <id>urn:uuid:{feed_id}</id>",
        f"  <updated>{_time(newest)}</updated>",
        f'  <link rel="alternate" type="text/html" href={page}/>',
    ]
    if absolute:
        lines.append(f'  <link rel="self" href={quoteattr(prefix + "changes.xml")}/>')
    lines += [
        f"  <author><name>{escape(portal.title)}</name></author>",
        '  <generator uri="https://pypi.org/project/gtm-portal/">gtm</generator>',
    ]
    lines += (_entry(row, prefix, portal) for row in rows)
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry(row: ChangeRow, prefix: str, portal: Portal) -> str:
    change = row.change
    ident = row.key[1] if row.key is not None else row.name
    entry_id = uuid.uuid5(FEED_NAMESPACE, f"{row.kind}|{ident}|{change.commit}")
    title = f"{row.name}: {change.what}"
    summary = change.what + (f" ({change.subject})" if change.subject else "")
    parts = [
        "  <entry>",
        f"    <title>{escape(title)}</title>",
        f"    <id>urn:uuid:{entry_id}</id>",
        f"    <updated>{_time(change.timestamp)}</updated>",
    ]
    if row.key is not None:
        href = _page(prefix, item_path(*row.key))
        parts.append(f'    <link rel="alternate" type="text/html" href={quoteattr(href)}/>')
    kind = portal.kind_labels.get(row.kind, row.kind)
    parts += [
        f"    <category term={quoteattr(row.kind)} label={quoteattr(kind)}/>",
        f"    <summary>{escape(summary)}</summary>",
        "  </entry>",
    ]
    return "\n".join(parts)


def _page(prefix: str, path: str) -> str:
    """A page's address: under a full base_url without "index.html", else relative to the
    feed, which stands at the portal's root."""
    return prefix + path.removesuffix("index.html") if prefix else path


def _time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _midnight(portal: Portal) -> int:
    """A feed with no entries is as new as the build's day, so its bytes do not change."""
    return int(
        datetime(portal.today.year, portal.today.month, portal.today.day, tzinfo=UTC).timestamp()
    )
