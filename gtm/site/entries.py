"""Every artifact as templates see it: an `Entry` with its output path, PDF, backlinks, derived
facts, sources and history, and references as `Link`s already resolved. An entry records who
reads its content, so `gtm serve` renders again only the pages that read a change."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date

from gtm.content.config import Config
from gtm.content.model import Artifact, Page
from gtm.content.validate import Item
from gtm.site.claims import Sources, footnotes
from gtm.site.facts import Facts, ItemFacts
from gtm.site.link import Site
from gtm.site.routes import EMBEDDED_KINDS, embed_path, item_path, pdf_path
from gtm.site.timeline import ItemHistory, Timeline


@dataclass(frozen=True)
class Link:
    """A reference as a reader sees it: a name, and a page only when the build has one."""

    name: str
    path: str | None


Key = tuple[str, str]
EVERYTHING: Key = ("*", "*")
"""Read by a page that shows a fact of the whole site (health), so any change renders it again."""
CHANGES: Key = ("*", "changes")
"""Read by a page that shows what changed (from git): rendered again when that does."""
_reads: ContextVar[set[Key] | None] = ContextVar("gtm_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[set[Key]]:
    """Collects the entries whose content is read while a page renders, whoever reads them (the
    template or a method of the portal), so a rebuild can keep the pages that read no change."""
    reads: set[Key] = set()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def record_read(key: Key) -> None:
    reads = _reads.get()
    if reads is not None:
        reads.add(key)


@dataclass(frozen=True, slots=True)
class EntryContent:
    """What an entry says beyond its place in the site."""

    fields: Artifact
    backlinks: tuple[Link, ...]
    facts: ItemFacts
    sources: Sources
    history: ItemHistory


@dataclass(frozen=True)
class Entry:
    """One artifact of the build, ready for a template. `name`, `kind`, `id`, `path` and `pdf`
    are its place in the site; reading anything else is recorded, and `digest` changes whenever
    anything else a page can show does."""

    kind: str
    id: str
    name: str
    path: str
    pdf: str | None
    source_path: str
    digest: str
    _content: EntryContent
    embed: str | None = None
    """Its card without the portal around it, for a CRM side panel (battlecards only)."""

    def _read(self) -> EntryContent:
        record_read((self.kind, self.id))
        return self._content

    @property
    def fields(self) -> Artifact:
        return self._read().fields

    @property
    def backlinks(self) -> tuple[Link, ...]:
        return self._read().backlinks

    @property
    def facts(self) -> ItemFacts:
        """What the build derived from it: staleness; for a launch, readiness, overdue
        milestones and tier gap."""
        return self._read().facts

    @property
    def sources(self) -> Sources:
        """The numbered sources of its claims that this build may name, for footnotes."""
        return self._read().sources

    @property
    def history(self) -> ItemHistory:
        """When it was created and last updated and what changed, from git (empty outside
        git); a public build's history has no commit subjects."""
        return self._read().history

    @property
    def stale(self) -> bool:
        return self.facts.stale

    @property
    def days_since_review(self) -> int | None:
        return self.facts.days_since_review

    @property
    def summary(self) -> str | None:
        return self._read().fields.summary


@dataclass
class KeptEntries:
    """The items and entries of the last portal, with the facts every entry was made on."""

    facts: tuple[object, ...] = ()
    items: dict[Key, Item] = field(default_factory=dict)
    entries: dict[Key, tuple[tuple[Key, ...], Entry]] = field(default_factory=dict)


def make_entries(
    site: Site,
    config: Config,
    today: date,
    audience: str,
    pdf: bool,
    kept: KeptEntries,
    facts: Facts,
    timeline: Timeline,
) -> dict[Key, Entry]:
    """An entry shows its item and the names of the items that refer to it: it is made again
    when its item, its history, the items referring to it, or any of those items changed since
    `kept`."""
    shared = (today, config.build.freshness_days, config.claims, audience, pdf)
    items = {(item.kind, item.id): item for item in site.all_items()}
    changed = {
        key for key in items.keys() | kept.items.keys() if items.get(key) is not kept.items.get(key)
    }
    last = kept.entries if kept.facts == shared else {}
    made: dict[Key, tuple[tuple[Key, ...], Entry]] = {}
    for key, item in items.items():
        sources = site.backlinks.get(key, ())
        found = last.get(key)
        history = timeline.of(key)
        if (
            found is None
            or key in changed
            or found[0] != sources
            or not changed.isdisjoint(sources)
            or found[1]._content.history != history
        ):
            notes = footnotes(item.kind, item.id, item.fields, audience, config, today)
            content = EntryContent(item.fields, (), facts[key], notes, history)
            found = (sources, _entry(item, site, content, pdf))
        made[key] = found
    kept.facts, kept.items, kept.entries = shared, items, made
    return {key: entry for key, (_, entry) in made.items()}


def _entry(item: Item, site: Site, content: EntryContent, pdf: bool) -> Entry:
    backlinks = []
    for kind, ident in site.backlinks.get((item.kind, item.id), ()):
        source = site.get(kind, ident)
        if source is not None:
            backlinks.append(Link(source.fields.name, item_path(kind, ident)))
    ordered = tuple(sorted(backlinks, key=lambda link: link.name.lower()))
    links = [(link.name, link.path) for link in ordered]
    shows = repr((item.source.digest, links, content.facts, content.sources, content.history))
    return Entry(
        kind=item.kind,
        id=item.id,
        name=item.fields.name,
        path=item_path(item.kind, item.id),
        pdf=pdf_path(item.kind, item.id) if pdf else None,
        source_path=item.path,
        digest=hashlib.blake2b(shows.encode(), digest_size=16).hexdigest(),
        _content=replace(content, backlinks=ordered),
        embed=embed_path(item.id) if item.kind in EMBEDDED_KINDS else None,
    )


def entry_order(entry: Entry) -> tuple[float, str, str]:
    fields = entry.fields
    order = fields.order if isinstance(fields, Page) and fields.order is not None else 1e9
    return (order, entry.name.lower(), entry.id)
