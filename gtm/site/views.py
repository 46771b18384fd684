"""The resolved site that templates receive: the `Portal`, holding every shown artifact as an
`Entry` and, of one left out, only its name, so a template cannot reach anything a build
leaves out."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from gtm.content.config import Config
from gtm.content.history import History
from gtm.content.kinds import KINDS
from gtm.content.model import Claim, Launch, Positioning
from gtm.content.validate import Item
from gtm.diagnostics import Diagnostic
from gtm.site.claims import claim_is_stale, shown_fields, unsourced_in
from gtm.site.entries import (
    CHANGES,
    EVERYTHING,
    Entry,
    KeptEntries,
    Key,
    Link,
    entry_order,
    make_entries,
    record_read,
)
from gtm.site.facts import (
    Facts,
    Health,
    ItemFacts,
    derive_facts,
    health,
    positioning_statement,
)
from gtm.site.link import Site
from gtm.site.routes import absolute_prefix, list_path, page_url
from gtm.site.timeline import ChangeRow, Timeline, Week, timeline

KIND_LABELS = {name: kind.label for name, kind in KINDS.items()}
"""How a reader names one artifact of each kind ("Battlecard" for a competitor)."""
KIND_TITLES = {name: kind.title for name, kind in KINDS.items()}


@dataclass(frozen=True)
class Portal:
    """The whole build as templates see it, and all of it they can reach: the entries the build
    shows, and of an artifact it leaves out (a draft, or an internal one in a public build) only
    its name, and only where a shown one refers to it. Nothing here leads back to the linked
    site, so no template can print what the audience must not see."""

    title: str
    language: str
    primary_color: str
    logo: str | None
    audience: str
    today: date
    kinds: dict[str, tuple[Entry, ...]]
    health_facts: Health
    config: Config
    names: dict[Key, str]
    """The name of every artifact a shown one refers to, left out or not."""
    statements: dict[Key, str]
    """The positioning statement of each shown positioning, written or generated."""
    shape: str
    """A digest of what every page may show beyond the entries (the brand's rules, the names
    of every artifact): when it changes, every page is rendered again."""
    authoring: bool = False
    """Pages for the author at work (`gtm serve`): they also say which file to fix and what to
    add; a built portal, which reps read, does not."""
    timeline: Timeline = field(default_factory=lambda: Timeline({}))
    """The history from git, which the entries show; `changes` and `history_note` read it."""

    @property
    def changes(self) -> tuple[Week, ...]:
        """What changed in the last `[changes] feed_days` days, by week, newest first; a page
        that shows it is rendered again when it changes (`changes_digest`)."""
        record_read(CHANGES)
        return self.timeline.weeks

    def recent_changes(self, count: int) -> tuple[ChangeRow, ...]:
        """The newest `count` lines of `changes`, for a page that lists only a few."""
        record_read(CHANGES)
        return self.timeline.newest(count)

    @property
    def weeks(self) -> tuple[Week, ...]:
        """`changes` for gtm's own use (the feed): reading it records nothing."""
        return self.timeline.weeks

    @property
    def history_note(self) -> str | None:
        """What history is missing (outside git, a shallow clone), or None."""
        return self.timeline.note

    @property
    def changes_digest(self) -> str:
        """A digest of `changes` and of the history note, for keeping a page that shows them."""
        return self.timeline.digest

    @property
    def health(self) -> Health:
        record_read(EVERYTHING)
        return self.health_facts

    @property
    def health_problems(self) -> int:
        """How many items need attention, for the navigation of every page; part of the site's
        shape, so reading it records nothing."""
        return self.health_facts.problems

    @property
    def kind_labels(self) -> dict[str, str]:
        """How a reader names one artifact of each kind ("Battlecard" for a competitor)."""
        return KIND_LABELS

    @property
    def kind_titles(self) -> dict[str, str]:
        return KIND_TITLES

    @property
    def nav(self) -> list[Link]:
        return [Link(KIND_TITLES[k], list_path(k)) for k in KINDS if self.kinds[k]]

    def entry(self, kind: str, ident: str) -> Entry | None:
        return self._entries.get((kind, ident))

    @cached_property
    def _entries(self) -> dict[Key, Entry]:
        return {(e.kind, e.id): e for entries in self.kinds.values() for e in entries}

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {e.path: i for entries in self.kinds.values() for i, e in enumerate(entries)}

    def link(self, kind: str, ident: str) -> Link:
        entry = self.entry(kind, ident)
        if entry is not None:
            return Link(entry.name, entry.path)
        return Link(self.names.get((kind, ident), ident), None)

    def entry_of(self, item: Item) -> Entry | None:
        return self.entry(item.kind, item.id)

    def statement(self, entry: Entry) -> str:
        """A generated statement names its product's category: reading it reads the product."""
        record_read((entry.kind, entry.id))
        fields = entry.fields
        if isinstance(fields, Positioning):
            record_read(("products", fields.product))
        return self.statements.get((entry.kind, entry.id), "")

    def stale_claim(self, proof: str | Claim) -> bool:
        """Whether a proof is a claim to verify before use (`[claims] max_age_days`)."""
        return claim_is_stale(proof, self.config, self.today)

    def launch_facts(self, entry: Entry) -> ItemFacts:
        """A launch's readiness, overdue milestones and tier gap (its `facts`)."""
        return entry.facts

    def upcoming_launches(self) -> list[Entry]:
        live: list[tuple[Launch, Entry]] = []
        for entry in self.kinds["launches"]:
            fields = entry.fields
            if isinstance(fields, Launch) and fields.state not in ("launched", "cancelled"):
                live.append((fields, entry))
        live.sort(key=lambda pair: (pair[0].date, pair[1].id))
        return [entry for _, entry in live]

    def recently_reviewed(self, count: int = 6) -> list[Entry]:
        reviewed = [e for k in KINDS for e in self.kinds[k] if e.fields.reviewed]
        return sorted(reviewed, key=lambda e: (e.fields.reviewed, e.path), reverse=True)[:count]

    def page_url(self, path: str) -> str | None:
        """A page's full address when `site.base_url` is one (for a canonical link and social
        cards), else None: a relative base cannot name a page outside the portal."""
        prefix = absolute_prefix(self.config.site.base_url)
        return page_url(prefix, path) if prefix else None

    def pdfs(self) -> list[Entry]:
        return [e for k in KINDS for e in self.kinds[k] if e.pdf]

    def neighbours(self, entry: Entry, count: int = 9) -> list[Entry]:
        """Up to `count` entries of the same kind around `entry`, in list order: a sidebar
        that stays short when a portal has hundreds of guides."""
        entries = self.kinds[entry.kind]
        index = self._positions.get(entry.path, 0)
        start = max(0, min(index - count // 2, len(entries) - count))
        return list(entries[start : start + count])

    def related(self, entry: Entry, kind: str) -> list[Entry]:
        """The entries of `kind` that refer to `entry` (what a product page gathers)."""
        paths = {link.path for link in entry.backlinks}
        return [e for e in self.kinds[kind] if e.path in paths]


def make_portal(
    site: Site,
    config: Config,
    today: date,
    audience: str,
    pdf: bool,
    kept: KeptEntries | None = None,
    facts: Facts | None = None,
    findings: Sequence[Diagnostic] = (),
    authoring: bool = False,
    history: History | None = None,
    drafts: bool = False,
    uncommitted: frozenset[str] = frozenset(),
) -> Portal:
    """The portal of a linked site. The entries of the last portal `kept` (`gtm serve`) are
    taken again where nothing they show has changed, and this portal's are kept there;
    `findings`, the check's diagnostics, feed the health page; `history`, read from git, the
    artifacts' histories and the changes page, which names a removed draft only with `drafts`;
    the artifacts whose files are `uncommitted` (`gtm serve`) say so."""
    facts = facts if facts is not None else derive_facts(site, config, today)
    site, facts = _as_shown(site, facts, audience)
    kept = kept if kept is not None else KeptEntries()
    changes = Timeline({})
    if history is not None:
        changes = timeline(history, site, config, today, audience, drafts, uncommitted)
    entries = make_entries(site, config, today, audience, pdf, kept, facts, changes)
    kinds: dict[str, tuple[Entry, ...]] = {}
    for kind in KINDS:
        shown = (entries[(kind, ident)] for ident in site.items[kind])
        kinds[kind] = tuple(sorted(shown, key=entry_order))
    logo = config.brand.logo
    return Portal(
        title=config.site.title,
        language=config.site.language,
        primary_color=config.brand.primary_color,
        logo=logo.lstrip("/") if logo else None,
        audience=audience,
        today=today,
        kinds=kinds,
        health_facts=health(site, facts, findings),
        config=config,
        names=_referred_names(site),
        statements={
            (item.kind, item.id): positioning_statement(item, site)
            for item in site.items["positioning"].values()
        },
        shape=_shape(site),
        authoring=authoring,
        timeline=changes,
    )


def _as_shown(site: Site, facts: Facts, audience: str) -> tuple[Site, Facts]:
    """The site and facts with every claim whose source the build may not name made plain
    text, in the fields, the facts and the file read, so nothing a template reaches holds it."""
    hidden = {
        key: paths
        for key, item in site.known.items()
        if (paths := unsourced_in(item.fields, audience))
    }
    if not hidden:
        return site, facts
    known, facts = dict(site.known), dict(facts)
    for key, paths in hidden.items():
        item = known[key]
        blank = replace(item.source, head="", data={}, spans={}, body_span=None, tail="")
        known[key] = replace(item, fields=shown_fields(item.fields, audience), source=blank)
        stale = tuple(found for found in facts[key].stale_claims if found[0] not in paths)
        facts[key] = replace(facts[key], stale_claims=stale)
    items = {
        kind: {ident: known[(kind, ident)] for ident in shown} for kind, shown in site.items.items()
    }
    return replace(site, items=items, known=known), facts


def _referred_names(site: Site) -> dict[Key, str]:
    """The names of the artifacts the shown ones refer to: all a page may say of one left out."""
    names: dict[Key, str] = {}
    for reference in site.references:
        source = reference.source
        shown = site.get(source.kind, source.id)
        if shown is not None and shown.path == source.path:
            names[reference.target] = site.known[reference.target].fields.name
    return names


def _shape(site: Site) -> str:
    """A digest of the brand's rules and of every artifact's name, shown or not: nothing of
    either can be read back from it."""
    names = sorted((key, item.fields.name) for key, item in site.known.items())
    text = repr((repr(site.brand), names))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
